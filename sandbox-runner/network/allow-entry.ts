import { isIP } from 'node:net';
import { canonicalIp } from './ip-literal.js';

/** Ports an allow entry covers when it names none. */
export const DEFAULT_PORTS: readonly number[] = [80, 443];

/** One parsed network allowlist entry. */
export interface AllowEntry {
  /** The entry as written, for decision reasons. */
  source: string;
  /** Lower-case host name, canonical IP literal, or for a wildcard the parent domain (`example.com`). */
  host: string;
  /** `*.example.com`: matches every subdomain of `host`, not `host` itself. */
  wildcard: boolean;
  /** True when `host` is an IP literal. */
  ip: boolean;
  ports: readonly number[];
}

const LABEL = /^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/;

/** Lower-cased host name without a trailing dot, or null when it is not a valid DNS name. */
export function canonicalHostname(s: string): string | null {
  const name = s.toLowerCase().replace(/\.$/, '');
  if (name.length === 0 || name.length > 253) return null;
  return name.split('.').every((label) => LABEL.test(label)) ? name : null;
}

/** Parses a decimal TCP port 1-65535, or returns null. */
export function parsePort(s: string): number | null {
  if (!/^[0-9]{1,5}$/.test(s)) return null;
  const port = Number(s);
  return port >= 1 && port <= 65_535 ? port : null;
}

function splitHostPort(s: string): [string, string | undefined] {
  if (s.startsWith('[')) {
    const end = s.indexOf(']');
    if (end < 0) throw new Error(`bad allow entry "${s}": missing "]" after the IPv6 address`);
    const rest = s.slice(end + 1);
    if (rest === '') return [s.slice(0, end + 1), undefined];
    if (!rest.startsWith(':')) throw new Error(`bad allow entry "${s}": expected ":port" after "]"`);
    return [s.slice(0, end + 1), rest.slice(1)];
  }
  if (isIP(s) === 6) return [s, undefined];
  const colon = s.lastIndexOf(':');
  if (colon < 0) return [s, undefined];
  if (s.indexOf(':') !== colon) {
    throw new Error(`bad allow entry "${s}": write IPv6 addresses with a port as [addr]:port`);
  }
  return [s.slice(0, colon), s.slice(colon + 1)];
}

/**
 * Parses `host`, `host:port`, `*.example.com[:port]`, `1.2.3.4[:port]`, `::1` or `[::1]:port`.
 * Without a port the entry covers 80 and 443. Throws with a message naming the problem.
 */
export function parseAllowEntry(s: string): AllowEntry {
  const source = s.trim();
  if (source === '') throw new Error('bad allow entry: empty');
  if (source.includes('/')) {
    throw new Error(`bad allow entry "${s}": give a host (and port), not a URL, path or CIDR range`);
  }
  const [hostPart, portPart] = splitHostPort(source);
  let ports = DEFAULT_PORTS;
  if (portPart !== undefined) {
    const port = parsePort(portPart);
    if (port === null) throw new Error(`bad allow entry "${s}": port must be a number from 1 to 65535`);
    ports = [port];
  }
  const ip = canonicalIp(hostPart);
  if (ip !== null) return { source, host: ip, wildcard: false, ip: true, ports };
  if (hostPart.startsWith('['))
    throw new Error(`bad allow entry "${s}": "${hostPart}" is not an IPv6 address`);
  const wildcard = hostPart.startsWith('*.');
  const host = canonicalHostname(wildcard ? hostPart.slice(2) : hostPart);
  if (host === null || host.includes('*')) {
    throw new Error(
      `bad allow entry "${s}": "${hostPart}" is not a host name (letters, digits, "-", "."; "*." only as a prefix)`,
    );
  }
  return { source, host, wildcard, ip: false, ports };
}

/** The first entry that covers this canonical host and port, or undefined. */
export function matchAllowEntry(
  entries: readonly AllowEntry[],
  host: string,
  port: number,
): AllowEntry | undefined {
  const isLiteral = isIP(host) !== 0;
  return entries.find(
    (e) =>
      e.ports.includes(port) && (e.wildcard ? !isLiteral && host.endsWith(`.${e.host}`) : host === e.host),
  );
}
