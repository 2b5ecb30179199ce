import { isIP } from 'node:net';

/**
 * Canonical form of an IP literal, or null. IPv4 must be dotted decimal (Node rejects `127.1`, `0x7f.1`,
 * leading zeros); IPv6 (brackets optional) is serialized by the WHATWG URL parser, so embedded IPv4 becomes
 * hex (`::127.0.0.1` -> `::7f00:1`) and every equal address has one spelling. Zoned IPv6 is not a literal.
 */
export function canonicalIp(s: string): string | null {
  const bare = s.startsWith('[') && s.endsWith(']') ? s.slice(1, -1) : s;
  const family = isIP(bare);
  if (family === 4) return bare;
  if (family !== 6 || bare.includes('%')) return null;
  return new URL(`http://[${bare}]/`).hostname.slice(1, -1);
}
