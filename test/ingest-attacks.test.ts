/**
 * Attacks on the ingest side of a real `ward serve` (embedded ClickHouse, real HTTP), as any local process
 * could make them: token-free loopback OTLP, files dropped into the data dir.
 */
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { otlpProtoTypes } from '../collector/otlp/otlp-proto.js';
import { startServer, type WardServer } from '../collector/server.js';
import { checkServer } from '../sandbox-runner/doctor/server-check.js';
import { hashToken } from '../store/index.js';

const DB = 'ward_attacks';
const PLANTED = 'planted-admin-token-0123456789';
let server: WardServer;
let dataDir: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'ward-attacks-'));
  // The attack of issue 7: a file dropped into <data>/spool/ naming api_tokens, with an admin row.
  mkdirSync(join(dataDir, 'spool'), { recursive: true });
  const row = {
    token_hash: hashToken(PLANTED),
    name: 'planted',
    role: 'admin',
    created_at: new Date().toISOString(),
    revoked: 0,
    version: Date.now(),
  };
  writeFileSync(
    join(dataDir, 'spool', '000000000000001-000000000-x.api_tokens.jsonl'),
    `${JSON.stringify(row)}\n`,
  );
  server = await startServer({ port: 0, dataDir, store: { database: DB } });
});
afterAll(async () => {
  await server?.close();
});

const count = async (sql: string): Promise<number> => {
  await server.flushIngest(); // acknowledged rows may still be in the journal only
  const [r] = await server.store.db.query<{ n: string }>('test', sql);
  return Number(r?.n ?? 0);
};

describe('spool: only what this server wrote, only into ingest tables', () => {
  it('a planted api_tokens file is quarantined, never replayed: the planted admin token does not work', async () => {
    const res = await fetch(`${server.url}/api/tokens`, { headers: { authorization: `Bearer ${PLANTED}` } });
    expect(res.status).toBe(401);
    expect(await count(`SELECT count() AS n FROM ${DB}.api_tokens WHERE name = 'planted'`)).toBe(0);
    expect(readdirSync(join(dataDir, 'spool', 'quarantine'))).toEqual([
      '000000000000001-000000000-x.api_tokens.jsonl',
    ]);
  });

  it('/healthz and ward doctor show the quarantined batch (counts only, no names or secrets)', async () => {
    const health = (await (await fetch(`${server.url}/healthz`)).json()) as { spool: Record<string, number> };
    expect(health.spool).toEqual({ depth: 0, oldestAgeSeconds: 0, quarantined: 1, failing: 0 });
    const checks = await checkServer({ server: server.url, token: undefined });
    expect(checks.find((c) => c.name === 'server spool')).toMatchObject({
      ok: false,
      detail: expect.stringContaining('1 quarantined'),
      fix: expect.stringContaining('quarantine'),
    });
  });
});

describe('time: a hostile timestamp is a partial success, never a retry loop', () => {
  it('a log record stamped 2263 (valid fixed64) gets 200 + partial_success; its sibling is stored', async () => {
    const t = otlpProtoTypes();
    const now = BigInt(Date.now()) * 1_000_000n;
    const body = t.logsRequest
      .encode({
        resourceLogs: [
          {
            resource: {
              attributes: [
                { key: Buffer.from('service.name'), value: { stringValue: Buffer.from('attack-time') } },
              ],
            },
            scopeLogs: [
              {
                logRecords: [
                  { timeUnixNano: '9246182400000000000', body: { stringValue: Buffer.from('future') } },
                  { timeUnixNano: now.toString(), body: { stringValue: Buffer.from('present') } },
                ],
              },
            ],
          },
        ],
      })
      .finish();
    for (let attempt = 0; attempt < 2; attempt++) {
      const res = await fetch(`${server.url}/v1/logs`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-protobuf' },
        body: Buffer.from(body),
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('retry-after')).toBeNull();
      if (attempt === 0) {
        const reply = t.logsResponse.decode(new Uint8Array(await res.arrayBuffer())) as unknown as {
          partialSuccess: { rejectedLogRecords: { toString(): string }; errorMessage: string };
        };
        expect(reply.partialSuccess.rejectedLogRecords.toString()).toBe('1');
        expect(reply.partialSuccess.errorMessage).toMatch(
          /1 log record\(s\) rejected: 1 stamped more than 24 h/,
        );
      }
    }
    expect(await count(`SELECT count() AS n FROM ${DB}.otel_logs WHERE ServiceName = 'attack-time'`)).toBe(1);
  });
});

describe('security headers on the real server', () => {
  it('nosniff and frame-ancestors on health, OTLP errors, API errors and 404s', async () => {
    const responses = [
      await fetch(`${server.url}/healthz`),
      await fetch(`${server.url}/v1/logs`, {
        method: 'POST',
        headers: { 'content-type': 'text/html' },
        body: '<x>',
      }),
      await fetch(`${server.url}/api/events`),
      await fetch(`${server.url}/nowhere`),
    ];
    for (const res of responses) {
      expect(res.headers.get('x-content-type-options'), res.url).toBe('nosniff');
      expect(res.headers.get('content-security-policy'), res.url).toMatch(/frame-ancestors 'none'/);
    }
  });
});
