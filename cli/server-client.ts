import { readFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import { rootCertificates } from 'node:tls';
import type { WardEnv } from './env.js';

/** A small authenticated JSON client for the CLI's admin and analyst commands. */
export interface CliServer {
  url: string;
  call(method: string, path: string, body?: unknown): Promise<{ status: number; text: string }>;
  /** GET returning the body as bytes (report files). */
  bytes(path: string): Promise<{ status: number; bytes: Uint8Array; text: () => string; headers: Headers }>;
}

/** What a failed call says: the server's JSON `error`, else its body as is (untrusted: print it inert). */
export function serverError(res: { status: number; text: string }): string {
  try {
    const error = (JSON.parse(res.text) as { error?: unknown }).error;
    return `${res.status} ${typeof error === 'string' ? error : res.text}`;
  } catch {
    return `${res.status} ${res.text}`;
  }
}

/** Largest answer the CLI reads (a listing of 1000 approvals fits many times over). */
const MAX_ANSWER_BYTES = 16 * 1024 * 1024;

/**
 * The server URL (--server, WARD_SERVER, else the local default) and a token: `prefer` (e.g. WARD_TOKEN for an
 * analyst), else WARD_ADMIN_TOKEN, else the admin token in the data dir. `ca` (--ca FILE, else WARD_CA) is a
 * PEM bundle trusted for an https server on top of the system's (NODE_EXTRA_CA_CERTS works too). Throws with
 * what to set.
 */
export function cliServer(
  env: WardEnv,
  opts: { server?: string; data: string; prefer?: string; ca?: string },
): CliServer {
  const url = (opts.server ?? env.server ?? 'http://127.0.0.1:4318').replace(/\/+$/, '');
  let token = opts.prefer ?? env.adminToken;
  if (!token) {
    try {
      token = readFileSync(join(opts.data, 'admin-token'), 'utf8').trim();
    } catch {
      throw new Error(
        "no token: set WARD_TOKEN or WARD_ADMIN_TOKEN, or point --data at the server's data dir",
      );
    }
  }
  const caFile = opts.ca ?? env.processEnv.WARD_CA;
  let ca: Buffer | undefined;
  if (caFile) {
    try {
      ca = readFileSync(caFile);
    } catch (err) {
      throw new Error(`cannot read the CA file ${caFile}: ${(err as Error).message}`);
    }
  }
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  return {
    url,
    async call(method, path, body) {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      try {
        if (ca && url.startsWith('https:'))
          return await callWithCa(`${url}${path}`, method, headers, payload, ca);
        const res = await fetch(`${url}${path}`, { method, headers, body: payload });
        return { status: res.status, text: await res.text() };
      } catch (err) {
        const cause = (err as { cause?: { code?: string; message?: string } }).cause;
        throw new Error(`cannot reach ${url}: ${cause?.code ?? cause?.message ?? (err as Error).message}`);
      }
    },
    async bytes(path) {
      let res: Response;
      try {
        res = await fetch(`${url}${path}`, { headers });
      } catch (err) {
        throw new Error(`cannot reach ${url}: ${(err as Error).message}`);
      }
      const bytes = new Uint8Array(await res.arrayBuffer());
      return { status: res.status, bytes, text: () => new TextDecoder().decode(bytes), headers: res.headers };
    },
  };
}

/** One HTTPS request trusting `ca` in addition to the system's roots (fetch takes no CA option). */
function callWithCa(
  target: string,
  method: string,
  headers: Record<string, string>,
  payload: string | undefined,
  ca: Buffer,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      target,
      { method, headers, ca: [...rootCertificates, ca.toString('utf8')] },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > MAX_ANSWER_BYTES) req.destroy(new Error('answer too large'));
          else chunks.push(c);
        });
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}
