import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');
const children: ChildProcess[] = [];

afterEach(() => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** Starts the built `ward serve` and resolves once it printed that it listens. */
async function serve(dataDir: string, port: number, extra: string[] = []): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [join(ROOT, 'bin/ward.mjs'), 'serve', '--port', String(port), '--data', dataDir, ...extra],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  children.push(child);
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('Ward is listening')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`ward serve exited early (${code}): ${out}`)));
  });
  return child;
}

const logs = (i: number) =>
  JSON.stringify({
    resourceLogs: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'claude-code' } }] },
        scopeLogs: [
          {
            logRecords: Array.from({ length: 50 }, (_, j) => ({
              timeUnixNano: `${Date.now()}${String(i * 100 + j).padStart(6, '0')}`,
              body: { stringValue: 'claude_code.tool_result' },
              attributes: [
                { key: 'event.name', value: { stringValue: 'tool_result' } },
                { key: 'session.id', value: { stringValue: 'durable-session' } },
                { key: 'tool_name', value: { stringValue: 'Bash' } },
                {
                  key: 'tool_parameters',
                  value: { stringValue: JSON.stringify({ full_command: `echo ${i}-${j}` }) },
                },
              ],
            })),
          },
        ],
      },
    ],
  });

describe.each([
  ['acknowledged once stored (the default)', []],
  ['acknowledged once in the journal (--ingest-ack journal)', ['--ingest-ack', 'journal']],
])('durability of acknowledged events, %s', (_name, extra: string[]) => {
  it('keeps every acknowledged record when the server is killed with SIGKILL right after the acks', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'ward-durable-'));
    const port = await freePort();
    const first = await serve(dataDir, port, extra);
    const url = `http://127.0.0.1:${port}`;
    const bodies = Array.from({ length: 20 }, (_, i) => logs(i));
    const acks = await Promise.all(
      bodies.map((body) =>
        fetch(`${url}/v1/logs`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
        }).then((r) => r.status),
      ),
    );
    expect(acks.every((s) => s === 200)).toBe(true);
    first.kill('SIGKILL');
    await new Promise((r) => first.once('exit', r));

    await serve(dataDir, port, extra);
    const token = readFileSync(join(dataDir, 'admin-token'), 'utf8').trim();
    const res = await fetch(`${url}/api/sessions/durable-session`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { session: { events: number; commands: number } };
    expect(body.session.events).toBe(20 * 50);
    expect(body.session.commands).toBe(20 * 50);
    // An export retried after the restart (its ack was lost) is recognised and not stored twice.
    const again = await fetch(`${url}/v1/logs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: bodies[3],
    });
    expect(again.status).toBe(200);
    const after = (await (
      await fetch(`${url}/api/sessions/durable-session`, { headers: { authorization: `Bearer ${token}` } })
    ).json()) as {
      session: { events: number };
    };
    expect(after.session.events).toBe(20 * 50);
  });
});
