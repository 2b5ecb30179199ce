import { BlockList, isIPv4, isIPv6 } from 'node:net';

/** Where a URL leads, as far as it can be told without resolving names. */
export type FetchTarget =
  | { kind: 'metadata' | 'internal'; host: string }
  | { kind: 'public'; host: string }
  | { kind: 'file'; path: string }
  | { kind: 'other-scheme'; scheme: string }
  | { kind: 'invalid' };

/** Cloud metadata endpoints (AWS/GCP/Azure/OCI, AWS ECS and IPv6, Alibaba) by address or name. */
const METADATA_IPS = new Set(['169.254.169.254', '169.254.170.2', 'fd00:ec2::254', '100.100.100.200']);
const METADATA_NAMES =
  /^(metadata(\.google\.internal)?|instance-data(\.ec2\.internal)?|metadata\.azure\.com)$/;
/** Names that always resolve to loopback, and wildcard DNS services that embed the address in the name. */
const LOOPBACK_NAMES = /(^|\.)(localhost|localtest\.me|lvh\.me|vcap\.me)$/;
const EMBEDDED_IP =
  /(?:^|\.)(\d{1,3}[.-]\d{1,3}[.-]\d{1,3}[.-]\d{1,3})\.(?:nip\.io|sslip\.io|xip\.io|traefik\.me)$/;

/** Everything that is not a public unicast address: loopback, private, link-local, CGNAT, multicast, reserved. */
const NOT_PUBLIC = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 3],
] as const)
  NOT_PUBLIC.addSubnet(net, bits, 'ipv4');
for (const [net, bits] of [
  ['::', 96],
  ['::1', 128],
  ['64:ff9b::', 96],
  ['100::', 64],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const)
  NOT_PUBLIC.addSubnet(net, bits, 'ipv6');

/** The IPv4 address inside an IPv4-mapped IPv6 address (::ffff:a.b.c.d, as URL parsing writes it). */
function mappedV4(ip: string): string | null {
  const dotted = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (dotted?.[1]) return dotted[1];
  const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(ip);
  if (!hex?.[1] || !hex[2]) return null;
  const hi = Number.parseInt(hex[1], 16);
  const lo = Number.parseInt(hex[2], 16);
  return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
}

function judgeIp(text: string): 'metadata' | 'internal' | 'public' | null {
  let ip = text;
  let family: 'ipv4' | 'ipv6';
  if (isIPv4(ip)) family = 'ipv4';
  else if (isIPv6(ip)) {
    const v4 = mappedV4(ip);
    if (v4) {
      ip = v4;
      family = 'ipv4';
    } else family = 'ipv6';
  } else return null;
  if (METADATA_IPS.has(ip.toLowerCase())) return 'metadata';
  return NOT_PUBLIC.check(ip, family) ? 'internal' : 'public';
}

/** Classifies a URL a tool would fetch. Numeric and mapped address forms are normalised by URL parsing. */
export function fetchTarget(url: string): FetchTarget {
  let u: URL;
  try {
    u = new URL(url.trim());
  } catch {
    return { kind: 'invalid' };
  }
  const scheme = u.protocol.replace(/:$/, '').toLowerCase();
  if (scheme === 'file') return { kind: 'file', path: decodeURIComponent(u.pathname) };
  if (scheme !== 'http' && scheme !== 'https') return { kind: 'other-scheme', scheme };
  const host = u.hostname
    .toLowerCase()
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '');
  const byIp = judgeIp(host);
  if (byIp) return { kind: byIp, host };
  if (METADATA_NAMES.test(host)) return { kind: 'metadata', host };
  if (LOOPBACK_NAMES.test(host) || host === '') return { kind: 'internal', host };
  const embedded = EMBEDDED_IP.exec(host)?.[1]?.replaceAll('-', '.');
  if (embedded) {
    const j = judgeIp(embedded);
    if (j && j !== 'public') return { kind: j, host };
  }
  return { kind: 'public', host };
}

/** URLs written anywhere in a text (a fetch prompt, an MCP argument). Bounded. */
export function urlsIn(text: string): string[] {
  // A bracketed IPv6 host is part of the URL; trailing sentence punctuation is not.
  return [...text.matchAll(/\b[a-z][a-z0-9+.-]{1,15}:\/\/(?:\[[^\]\s]*\])?[^\s"'<>`[\]]*/gi)]
    .slice(0, 32)
    .map((m) => m[0].replace(/[.,;:!?)]+$/, ''));
}
