import ipaddr from 'ipaddr.js';

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

function judgeIp(text: string): 'metadata' | 'internal' | 'public' | null {
  if (!ipaddr.isValid(text)) return null;
  let ip = ipaddr.parse(text);
  if (ip.kind() === 'ipv6' && (ip as ipaddr.IPv6).isIPv4MappedAddress())
    ip = (ip as ipaddr.IPv6).toIPv4Address();
  if (METADATA_IPS.has(ip.toString())) return 'metadata';
  return ip.range() === 'unicast' ? 'public' : 'internal';
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
