import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import { canonicalIp } from './ip-literal.js';

type Cidr = [ipaddr.IPv4 | ipaddr.IPv6, number];

// Order matters: the first matching range names the reason (metadata before link-local).
const FORBIDDEN_V4: ReadonlyArray<readonly [string, string]> = [
  ['169.254.169.254/32', 'cloud metadata'],
  // Azure's WireServer (VM agent, extension settings, health): reachable from every Azure VM, not public.
  ['168.63.129.16/32', 'cloud metadata (Azure WireServer)'],
  ['0.0.0.0/8', 'unspecified (0.0.0.0/8)'],
  ['127.0.0.0/8', 'loopback'],
  ['169.254.0.0/16', 'link-local'],
  ['10.0.0.0/8', 'private (10/8)'],
  ['172.16.0.0/12', 'private (172.16/12)'],
  ['192.168.0.0/16', 'private (192.168/16)'],
  ['100.64.0.0/10', 'carrier-grade NAT (100.64/10)'],
  ['192.0.0.0/24', 'IETF protocol assignments (192.0.0/24)'],
  ['198.18.0.0/15', 'benchmarking (198.18/15)'],
  ['224.0.0.0/4', 'multicast'],
  ['240.0.0.0/4', 'reserved (240/4)'],
];

const FORBIDDEN_V6: ReadonlyArray<readonly [string, string]> = [
  ['fd00:ec2::254/128', 'cloud metadata'],
  ['::/128', 'unspecified (::)'],
  ['::1/128', 'loopback'],
  ['fe80::/10', 'link-local'],
  ['fc00::/7', 'unique local (fc00::/7)'],
  ['fec0::/10', 'site-local (fec0::/10)'],
  ['ff00::/8', 'multicast'],
  // Teredo tunnels to an IPv4 server and client encoded in the address (the client XOR-obfuscated); a relay
  // would carry the connection to wherever those say. Deprecated in practice, so refused outright.
  ['2001::/32', 'Teredo tunnel (2001::/32)'],
  // Local-use NAT64 (RFC 8215) has no fixed place for the embedded IPv4 address: refuse the whole prefix.
  ['64:ff9b:1::/48', 'NAT64 local-use (64:ff9b:1::/48)'],
];

// IPv6 prefixes whose low 32 bits are an IPv4 address that the host or a gateway may reach.
const EMBEDS_V4: ReadonlyArray<readonly [string, string]> = [
  ['::ffff:0:0/96', 'IPv4-mapped'],
  ['::ffff:0:0:0/96', 'IPv4-translated'],
  ['64:ff9b::/96', 'NAT64'],
  ['::/96', 'IPv4-compatible'],
];

/** 6to4 (RFC 3056): 2002:AABB:CCDD::/48 tunnels to IPv4 AA.BB.CC.DD through a relay. */
const SIX_TO_FOUR = ipaddr.parseCIDR('2002::/16');

const parse = (rows: ReadonlyArray<readonly [string, string]>): Array<[Cidr, string]> =>
  rows.map(([cidr, reason]) => [ipaddr.parseCIDR(cidr), reason]);

const V4 = parse(FORBIDDEN_V4);
const V6 = parse(FORBIDDEN_V6);
const EMBEDDED = parse(EMBEDS_V4);

function classifyV4(addr: ipaddr.IPv4): string | null {
  for (const [cidr, reason] of V4) if (addr.match(cidr)) return reason;
  return null;
}

/**
 * Why a sandboxed program may not reach this address (loopback, private, metadata, …), or null when it is
 * an ordinary public address. Anything that is not a plain IP literal is refused.
 */
export function isForbiddenAddress(ip: string): string | null {
  const canonical = canonicalIp(ip);
  if (canonical === null) return isIP(ip) === 6 ? 'scoped IPv6 address' : 'not an IP address';
  if (isIP(canonical) === 4) return classifyV4(ipaddr.IPv4.parse(canonical));
  const addr = ipaddr.IPv6.parse(canonical);
  for (const [cidr, reason] of V6) if (addr.match(cidr)) return reason;
  for (const [cidr, form] of EMBEDDED) {
    if (!addr.match(cidr)) continue;
    const reason = classifyV4(v4From(addr.parts[6], addr.parts[7]));
    if (reason !== null) return `${form} ${reason}`;
  }
  if (addr.match(SIX_TO_FOUR)) {
    const reason = classifyV4(v4From(addr.parts[1], addr.parts[2]));
    // A public embedded address is still a tunnel through whatever relay answers 2002::/16; the sandbox has
    // no reason to use one, and refusing all of it leaves nothing to decode wrongly.
    return `6to4 tunnel${reason === null ? ' (2002::/16)' : ` to ${reason}`}`;
  }
  return null;
}

/** The IPv4 address a canonical IPv6 address carries in its low 32 bits (mapped, NAT64, …), or null. */
export function embeddedIpv4(ip: string): string | null {
  if (isIP(ip) !== 6) return null;
  const addr = ipaddr.IPv6.parse(ip);
  const form = EMBEDDED.find(([cidr]) => addr.match(cidr));
  return form === undefined ? null : v4From(addr.parts[6], addr.parts[7]).toString();
}

function v4From(hi = 0, lo = 0): ipaddr.IPv4 {
  return new ipaddr.IPv4([hi >> 8, hi & 0xff, lo >> 8, lo & 0xff]);
}
