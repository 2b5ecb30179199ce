import { lookup } from 'node:dns/promises';
import { type AllowEntry, canonicalHostname, matchAllowEntry } from './allow-entry.js';
import { isForbiddenAddress } from './forbidden-address.js';
import { canonicalIp } from './ip-literal.js';
import { ownNetworkReason } from './own-address.js';
import { withTimeout } from './with-timeout.js';

/** Asks someone (the approval gate) whether a host the allowlist does not cover may be reached. */
export type DecideFn = (host: string, port: number) => Promise<'allow' | 'deny'>;
export type ResolveFn = (host: string) => Promise<string[]>;
/** The policy's deny list: why this canonical host and port is refused, or null. Checked before anything else. */
export type DenyFn = (host: string, port: number) => string | null;

/**
 * The outcome for one requested host and port. `host` is the canonical form used for matching; `entry` is
 * the allow entry that matched (none when approved).
 */
export type Verdict =
  | { decision: 'allow'; host: string; reason: string; addresses: string[]; entry?: AllowEntry }
  | { decision: 'deny'; host: string; reason: string; address?: string };

export interface ConnectionPolicyDeps {
  entries: readonly AllowEntry[];
  deny?: DenyFn;
  decide?: DecideFn;
  resolve: ResolveFn;
  decideTimeoutMs: number;
  resolveTimeoutMs: number;
  /** Aborted when the proxy closes: pending asks and lookups end as denials at once. */
  signal?: AbortSignal;
}

/** Resolves with the system resolver (as curl would), every address, in the resolver's order. */
export async function systemResolve(host: string): Promise<string[]> {
  const found = await lookup(host, { all: true, verbatim: true });
  return found.map((a) => a.address);
}

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** Why the sandbox may not reach this canonical IP unless an entry names it: forbidden, or this machine's. */
const refusal = (ip: string): string | null => isForbiddenAddress(ip) ?? ownNetworkReason(ip);

/**
 * Decides one connection. Order: validate, the deny list, refuse forbidden IP literals, allow entries, then
 * ask; only a
 * name that is allowed is resolved (a denied name never reaches DNS, so DNS cannot carry data out), and
 * every resolved address must be ordinary unless an entry names this exact host or IP.
 */
export function createConnectionPolicy(
  deps: ConnectionPolicyDeps,
): (host: string, port: number) => Promise<Verdict> {
  return async function decideConnection(rawHost, port) {
    const name = canonicalHostname(rawHost);
    // `10.0.0.1.` is a valid name spelling of the IP: judged as the IP, not asked about and looked up.
    const ip = canonicalIp(rawHost) ?? (name === null ? null : canonicalIp(name));
    const host = ip ?? name;
    if (host === null) return { decision: 'deny', host: rawHost.toLowerCase(), reason: 'invalid host name' };
    if (!Number.isInteger(port) || port < 1 || port > 65_535) {
      return { decision: 'deny', host, reason: 'invalid port' };
    }
    const denied = deps.deny?.(host, port) ?? null;
    if (denied !== null) return { decision: 'deny', host, reason: denied };
    const entry = matchAllowEntry(deps.entries, host, port);
    const explicit = entry !== undefined && !entry.wildcard;
    if (ip !== null && !explicit) {
      const bad = refusal(ip);
      if (bad !== null) {
        return { decision: 'deny', host, reason: `${bad} address not explicitly allowed`, address: ip };
      }
    }
    let reason: string;
    if (entry !== undefined) {
      reason = `allowed by "${entry.source}"`;
    } else if (deps.decide === undefined) {
      return { decision: 'deny', host, reason: 'not in allowlist' };
    } else {
      try {
        const answer = await withTimeout(
          deps.decide(host, port),
          deps.decideTimeoutMs,
          'approval timed out',
          deps.signal,
        );
        if (answer !== 'allow') return { decision: 'deny', host, reason: 'denied by approval' };
        reason = 'approved';
      } catch (err) {
        return { decision: 'deny', host, reason: `approval failed: ${message(err)}` };
      }
    }
    let addresses: string[];
    if (ip !== null) {
      addresses = [ip];
    } else {
      try {
        const found = await withTimeout(
          deps.resolve(host),
          deps.resolveTimeoutMs,
          'DNS lookup timed out',
          deps.signal,
        );
        addresses = found.map((a) => canonicalIp(a) ?? '');
      } catch (err) {
        return { decision: 'deny', host, reason: `DNS lookup failed: ${message(err)}` };
      }
      if (addresses.length === 0) return { decision: 'deny', host, reason: 'DNS lookup found no address' };
      if (addresses.includes(''))
        return { decision: 'deny', host, reason: 'resolver returned a non-IP address' };
      if (!explicit) {
        for (const a of addresses) {
          const bad = refusal(a);
          if (bad !== null)
            return { decision: 'deny', host, reason: `resolves to ${bad} address`, address: a };
        }
      }
    }
    return { decision: 'allow', host, reason, addresses, entry };
  };
}
