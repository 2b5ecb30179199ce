import { readFileSync } from 'node:fs';
import type { WardEnv } from './env.js';

/**
 * The server's pinned decision key for runners: WARD_DECISION_KEY names the PEM file the server wrote
 * (<data>/decision-key.pub.pem). Unset: decisions are taken on TLS alone. Set but unreadable: throws, and the
 * caller refuses to run rather than run unchecked.
 */
export function pinnedDecisionKey(env: WardEnv): { decisionKey?: string } {
  const file = env.processEnv.WARD_DECISION_KEY;
  if (!file) return {};
  try {
    return { decisionKey: readFileSync(file, 'utf8') };
  } catch (err) {
    throw new Error(`cannot read WARD_DECISION_KEY ${file}: ${(err as Error).message}`);
  }
}

const LOOPBACK_HOST = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])$/i;

/**
 * Why a runner must not send its token and take decisions from `server`, or null: plain http:// to anything
 * but loopback carries both in clear (anyone on the path could answer "approved"). WARD_INSECURE_NO_TLS=1
 * accepts it knowingly, for a server started with --insecure-no-tls.
 */
export function insecureServerProblem(server: string, env: WardEnv): string | null {
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    return `the server URL '${server}' is not a URL`;
  }
  if (url.protocol === 'https:' || LOOPBACK_HOST.test(url.hostname)) return null;
  if (env.processEnv.WARD_INSECURE_NO_TLS === '1') return null;
  return (
    `refusing to use ${url.origin} over plain HTTP: the runner token and the approval decisions would travel ` +
    'in clear. Use https:// (ward serve --tls-cert/--tls-key, or a TLS proxy), or set WARD_INSECURE_NO_TLS=1 ' +
    '(--insecure-server) on a network you trust'
  );
}
