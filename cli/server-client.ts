import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { WardEnv } from './env.js';

/** A small authenticated JSON client for the CLI's admin and analyst commands. */
export interface CliServer {
  url: string;
  call(method: string, path: string, body?: unknown): Promise<{ status: number; text: string }>;
  /** GET returning the body as bytes (report files). */
  bytes(path: string): Promise<{ status: number; bytes: Uint8Array; text: () => string; headers: Headers }>;
}

/**
 * The server URL (--server, WARD_SERVER, else the local default) and a token: `prefer` (e.g. WARD_TOKEN for an
 * analyst), else WARD_ADMIN_TOKEN, else the admin token in the data dir. Throws with what to set.
 */
export function cliServer(env: WardEnv, opts: { server?: string; data: string; prefer?: string }): CliServer {
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
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  return {
    url,
    async call(method, path, body) {
      let res: Response;
      try {
        res = await fetch(`${url}${path}`, {
          method,
          headers,
          body: body === undefined ? undefined : JSON.stringify(body),
        });
      } catch (err) {
        throw new Error(`cannot reach ${url}: ${(err as Error).message}`);
      }
      return { status: res.status, text: await res.text() };
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
