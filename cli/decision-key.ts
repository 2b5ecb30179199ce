import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import type { WardEnv } from './env.js';

/** A PEM public key is a few hundred bytes. */
const MAX_KEY_BYTES = 64 * 1024;

/**
 * The file's text, read only if it is a regular file of at most MAX_KEY_BYTES: opened non-blocking, since a
 * FIFO put at the path would block `ward hook` in open() (synchronously: no timer fires) until the agent's
 * hook timeout, which lets the tool run; /dev/zero would never end.
 */
function readSmallFile(file: string): string {
  const fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new Error('not a regular file');
    if (st.size > MAX_KEY_BYTES) throw new Error(`larger than ${MAX_KEY_BYTES} bytes`);
    const buf = Buffer.alloc(MAX_KEY_BYTES + 1);
    let size = 0;
    for (let n = -1; n !== 0 && size < buf.length; size += n)
      n = readSync(fd, buf, size, buf.length - size, size);
    if (size > MAX_KEY_BYTES) throw new Error(`larger than ${MAX_KEY_BYTES} bytes`);
    return buf.subarray(0, size).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

/**
 * The server's pinned decision key for runners: WARD_DECISION_KEY names the PEM file the server wrote
 * (<data>/decision-key.pub.pem). Unset: decisions are taken on TLS alone. Set but unreadable: throws, and the
 * caller refuses to run rather than run unchecked.
 */
export function pinnedDecisionKey(env: WardEnv): { decisionKey?: string } {
  const file = env.processEnv.WARD_DECISION_KEY;
  if (!file) return {};
  try {
    return { decisionKey: readSmallFile(file) };
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
