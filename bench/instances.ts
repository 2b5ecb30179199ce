/**
 * `npm run bench:instances`: two `ward serve` instances on one store (docs/scale.md). An analyst decides and
 * the runner's waiting stream hears it: the decision posted to the runner's own instance, then to the other
 * one (it arrives through the store poll, 500 ms). Prints p50/p95 of both, and of creating a request (its
 * per-token pending count runs in the store).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WardServer } from '../collector/index.js';
import { createStore } from '../store/index.js';
import { startInstances } from '../test/helpers/instances.js';
import { fmt, percentile } from './lib/stats.js';

const N = Number(process.argv[2] ?? 40);
const ADMIN = 'admin-token-bench-instances-0123456789';
const ANALYST = 'analyst-token-bench-instances-0123456789';
const RUNNER = 'runner-token-bench-instances-0123456789';

async function post(server: WardServer, path: string, token: string, body: unknown): Promise<Response> {
  return fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

/** Opens the approval's event stream; resolves `opened` at the first event, `final` at a final status. */
async function watch(server: WardServer, id: string) {
  const ctl = new AbortController();
  const res = await fetch(`${server.url}/api/approvals/${id}/events`, {
    headers: { authorization: `Bearer ${RUNNER}` },
    signal: ctl.signal,
  });
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let text = '';
  let opened: () => void = () => {};
  const first = new Promise<void>((r) => {
    opened = r;
  });
  const final = (async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) throw new Error('stream ended before a decision');
      text += decoder.decode(value, { stream: true });
      if (text.includes('"status":"pending"')) opened();
      if (/"status":"(approved|denied|expired)"/.test(text)) {
        const t = performance.now();
        ctl.abort();
        return t;
      }
    }
  })();
  return { first, final };
}

async function main(): Promise<void> {
  const base = await createStore({
    dataDir: mkdtempSync(join(tmpdir(), 'ward-bench-instances-')),
    database: 'ward_bench_instances',
  });
  // N rounds of two approvals from one runner token may pass the per-token rate (ask-rate.ts): not measured here.
  const { servers, close } = await startInstances(base, 2, {
    adminToken: ADMIN,
    config: { approvalRate: { requests: 1_000_000, windowS: 60 } },
  });
  const [A, B] = servers as [WardServer, WardServer];
  await base.tokens.add(ANALYST, 'ana', 'analyst');
  await base.tokens.add(RUNNER, 'runner', 'runner');
  const create: number[] = [];
  const rounds: Record<'same instance' | 'other instance', number[]> = {
    'same instance': [],
    'other instance': [],
  };
  for (let i = 0; i < N; i++) {
    for (const [label, decider] of [
      ['same instance', A],
      ['other instance', B],
    ] as const) {
      const t0 = performance.now();
      const res = await post(A, '/api/approvals', RUNNER, {
        session_id: `bench-${i}`,
        agent: 'codex',
        command: 'rm -rf build',
        risk: 0.5,
        timeout_s: 120,
      });
      create.push(performance.now() - t0);
      const { id } = (await res.json()) as { id: string };
      const w = await watch(A, id);
      await w.first;
      const t1 = performance.now();
      await post(decider, `/api/approvals/${id}/decision`, ANALYST, {
        decision: 'approve',
        scope: 'once',
        reason: 'bench',
      });
      rounds[label].push((await w.final) - t1);
    }
  }
  const line = (what: string, v: number[]) =>
    `${what.padEnd(50)} p50 ${fmt(percentile(v, 50), 1).padStart(7)} ms   p95 ${fmt(percentile(v, 95), 1).padStart(7)} ms`;
  process.stdout.write(`two instances on one embedded store, ${N} rounds each\n`);
  process.stdout.write(`${line('create a request (runner on A)', create)}\n`);
  for (const [label, v] of Object.entries(rounds))
    process.stdout.write(`${line(`decision on the ${label} -> waiting runner`, v)}\n`);
  process.stdout.write('the other instance is bounded by the waiters poll (500 ms) plus one store read\n');
  await close();
  await base.close();
}

await main();
