import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createSpool, drainSpool } from './spool.js';

let server: Server | undefined;
const dirs: string[] = [];
afterEach(() => {
  server?.close();
  server = undefined;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A collector on loopback that answers each body with `status(body)` and records what it took. */
async function collector(status: (body: string) => number): Promise<{ url: string; took: string[] }> {
  const took: string[] = [];
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => {
      body += d.toString();
    });
    req.on('end', () => {
      const code = status(body);
      if (code === 200) took.push(body);
      res.writeHead(code, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => server?.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/traces`, took };
}

function spoolWith(bodies: string[]) {
  const dir = mkdtempSync(join(tmpdir(), 'ward-spool-'));
  dirs.push(dir);
  const spool = createSpool(dir);
  for (const b of bodies) spool.save(new TextEncoder().encode(b));
  return spool;
}

describe('drainSpool', () => {
  it('a request refused for good is set aside and does not hold back the ones behind it', async () => {
    // A file planted first in line (or a span the server can never take) used to stop every resend after it.
    const spool = spoolWith(['{"poison":true}', '{"span":1}', '{"span":2}']);
    const { url, took } = await collector((b) => (b.includes('poison') ? 400 : 200));
    const out = await drainSpool(spool, url, {});
    expect(out).toEqual({ sent: 2, rejected: 1, left: 0 });
    expect(took).toEqual(['{"span":1}', '{"span":2}']);
    expect(spool.list()).toEqual([]);
    const aside = readdirSync(join(spool.dir, 'rejected'));
    expect(aside).toHaveLength(1);
    expect(readFileSync(join(spool.dir, 'rejected', aside[0] as string), 'utf8')).toBe('{"poison":true}');
  });

  it('requests saved within one millisecond are listed in the order they were saved', () => {
    const bodies = Array.from({ length: 200 }, (_, i) => `{"span":${i}}`);
    const spool = spoolWith(bodies);
    expect(spool.list().map((f) => readFileSync(f, 'utf8'))).toEqual(bodies);
  });

  it('a busy or refusing server keeps everything for the next run', async () => {
    for (const code of [429, 503, 401]) {
      const spool = spoolWith(['{"span":1}', '{"span":2}']);
      const { url, took } = await collector(() => code);
      expect(await drainSpool(spool, url, {})).toEqual({ sent: 0, rejected: 0, left: 2 });
      expect(took).toEqual([]);
      expect(spool.list()).toHaveLength(2);
      server?.close();
    }
  });
});
