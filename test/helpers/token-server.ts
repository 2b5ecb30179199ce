import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ServerPlugins, startServer, type WardServer } from '../../collector/server.js';
import type { Role } from '../../schema/index.js';

/** An OTLP string attribute. */
export const kv = (key: string, value: string) => ({ key, value: { stringValue: value } });

/**
 * An OTLP/JSON traces body of one Ward runner span (`name`, e.g. `ward.exec`), ended now and lasting `ms`, with
 * string attributes.
 */
export function wardSpanBody(name: string, spanId: string, attrs: Record<string, string>, ms = 1_000) {
  const now = BigInt(Date.now()) * 1_000_000n;
  const span = {
    traceId: '0af7651916cd43dd8448eb211c80319c',
    spanId,
    name,
    kind: 1,
    startTimeUnixNano: String(now - BigInt(ms) * 1_000_000n),
    endTimeUnixNano: String(now),
    attributes: Object.entries(attrs).map(([k, v]) => kv(k, v)),
  };
  return {
    resourceSpans: [
      { resource: { attributes: [kv('service.name', 'ward')] }, scopeSpans: [{ spans: [span] }] },
    ],
  };
}

/**
 * A real server on loopback (embedded ClickHouse, its own data dir) with the given tokens, and calls to it;
 * `plugins` as the composition root passes them (e.g. the report builders).
 */
export async function startTokenServer(
  prefix: string,
  tokens: readonly [string, string, Role][],
  plugins: ServerPlugins = {},
) {
  const dataDir = mkdtempSync(join(tmpdir(), `${prefix}-`));
  const server: WardServer = await startServer({ host: '127.0.0.1', port: 0, dataDir }, () => {}, plugins);
  for (const [token, name, role] of tokens) await server.store.tokens.add(token, name, role);
  return {
    server,
    /** A JSON request with `token` as its bearer. */
    api(token: string, path: string, init: RequestInit = {}): Promise<Response> {
      return fetch(`${server.url}${path}`, {
        ...init,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      });
    },
    async close(): Promise<void> {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
export type TokenServer = Awaited<ReturnType<typeof startTokenServer>>;
