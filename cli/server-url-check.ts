import { isIP } from 'node:net';

/** Hosts that never leave this machine: plain http to them carries nothing over a network. */
function isLoopbackHost(hostname: string): boolean {
  const host = hostname.startsWith('[') ? hostname.slice(1, -1) : hostname;
  // Only the name /etc/hosts pins; *.localhost may go to a DNS server that answers anything.
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  if (isIP(host) === 6) return host === '::1' || /^::ffff:(7f[0-9a-f]{2}:|127\.)/i.test(host);
  return false;
}

/**
 * Why a runner must not use this server URL, or null when it may. Over plain http beyond loopback the
 * runner token and every approval decision travel in clear: anyone on the path could read the token or
 * answer "approved" to anything. https, or http to loopback, is fine; `--insecure-server` overrides.
 */
export function insecureServerProblem(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `server URL ${JSON.stringify(url)} is not a URL`;
  }
  if (parsed.protocol === 'https:') return null;
  if (parsed.protocol !== 'http:')
    return `server URL must be https:// (or http:// to loopback), got ${parsed.protocol}`;
  if (isLoopbackHost(parsed.hostname)) return null;
  return `refusing plain http to ${parsed.host}: the runner token and approval decisions would cross the network in clear (anyone on the path could approve anything). Use https:// (ward serve --tls-cert/--tls-key, or a TLS reverse proxy), or pass --insecure-server to accept the risk`;
}
