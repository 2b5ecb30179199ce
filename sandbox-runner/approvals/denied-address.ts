import { canonicalIp, systemResolve } from '../network/index.js';

/** How long one lookup of a deny-list name may take before that name is left out of the comparison. */
const LOOKUP_MS = 5_000;

/**
 * Which exact name of the policy's deny list an IP belongs to, by looking those names up: a host on the list,
 * asked about as its IP literal, is refused rather than put to a human who sees only a number. Only the
 * policy's names are looked up (never the agent's), each once per runner; wildcard patterns cannot be. A name
 * that does not resolve in time is left out (the human is asked, as before).
 */
export function createDeniedAddresses(
  denyHosts: readonly string[],
  resolve: (host: string) => Promise<string[]> = systemResolve,
): (ip: string) => Promise<string | null> {
  const names = denyHosts.filter((p) => !p.includes('*') && canonicalIp(p) === null);
  const literals = new Map(
    denyHosts.flatMap((p) => {
      const ip = canonicalIp(p);
      return ip === null ? [] : [[ip, p] as const];
    }),
  );
  const found = new Map<string, Promise<Set<string>>>();
  const addressesOf = (name: string): Promise<Set<string>> => {
    let p = found.get(name);
    if (!p) {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<string[]>((r) => {
        timer = setTimeout(() => r([]), LOOKUP_MS);
        timer.unref();
      });
      p = Promise.race([resolve(name).catch(() => []), late]).then((all) => {
        clearTimeout(timer);
        // Not kept when nothing was found: the next ask looks again.
        if (all.length === 0) found.delete(name);
        return new Set(all.map((a) => canonicalIp(a)).filter((a): a is string => a !== null));
      });
      found.set(name, p);
    }
    return p;
  };
  return async (ip) => {
    const canonical = canonicalIp(ip);
    if (canonical === null) return null;
    const literal = literals.get(canonical);
    if (literal !== undefined) return literal;
    const sets = await Promise.all(names.map(addressesOf));
    const i = sets.findIndex((s) => s.has(canonical));
    return i < 0 ? null : (names[i] as string);
  };
}
