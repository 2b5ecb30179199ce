/**
 * A seeded mutator over real OTLP bodies (agent captures and exporter-made batches) and a driver that sends
 * the mutants to an OTLP endpoint, checking that every answer is 2xx/4xx (or 503 back-pressure): never a
 * 5xx from a crash, never a hang. Used by test/ingest-fuzz.test.ts and `npm run fuzz:ingest`.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { encodeBatches } from './batches.js';

export interface FuzzSeed {
  path: string;
  json: boolean;
  body: Buffer;
}

export interface FuzzRequest {
  path: string;
  headers: Record<string, string>;
  body: Buffer;
  /** What was done to it, for the report of a failure. */
  how: string;
}

export interface FuzzStats {
  sent: number;
  byStatus: Record<number, number>;
  failures: { status: number; how: string; path: string; bodyBase64: string }[];
}

const SIGNAL = /-(logs|traces|metrics)\.(json|bin)$/;

/**
 * Real agent captures (`<n>-<signal>.json|bin` under each agent's folder) up to `maxBytes` each (a mutant of
 * a megabyte capture costs a hundred small ones), plus exporter-made batches.
 */
export function loadSeeds(fixturesDir: string | undefined, nowMs: number, maxBytes = 32 * 1024): FuzzSeed[] {
  const seeds: FuzzSeed[] = [];
  if (fixturesDir && existsSync(fixturesDir)) {
    for (const agent of readdirSync(fixturesDir, { withFileTypes: true })) {
      if (!agent.isDirectory()) continue;
      for (const f of readdirSync(join(fixturesDir, agent.name))) {
        const m = SIGNAL.exec(f);
        if (!m) continue;
        const body = readFileSync(join(fixturesDir, agent.name, f));
        if (body.length > maxBytes) continue;
        seeds.push({
          path: `/v1/${m[1]}`,
          json: m[2] === 'json',
          body,
        });
      }
    }
  }
  for (const b of encodeBatches(2, 6, nowMs))
    seeds.push({ path: '/v1/logs', json: false, body: Buffer.from(b.body) });
  return seeds;
}

/** xorshift32: the same seed gives the same run. */
function rng(seed: number) {
  let x = seed >>> 0 || 1;
  const next = () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 4294967296;
  };
  return {
    next,
    int: (n: number) => Math.floor(next() * n),
    pick: <T>(a: readonly T[]) => a[Math.floor(next() * a.length)] as T,
  };
}
type Rng = ReturnType<typeof rng>;

const INTERESTING = [0x00, 0x01, 0x7f, 0x80, 0xff, 0x0a, 0x12, 0x22, 0x2a, 0x3a];
const JSON_TOKENS = [
  '18446744073709551616',
  '-1',
  '1e309',
  '"\\ud800"',
  '"\\u0000"',
  'null',
  '[]',
  '{}',
  '"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"',
  '[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]',
  '"9246182400000000000"',
  'true',
  '"zz"',
];

function mutateBytes(r: Rng, b: Buffer, other: Buffer): [Buffer, string] {
  const out = Buffer.from(b);
  const at = () => r.int(Math.max(1, out.length));
  switch (r.int(8)) {
    case 0: {
      const n = 1 + r.int(8);
      for (let i = 0; i < n && out.length; i++) {
        const p = at();
        out[p] = (out[p] as number) ^ (1 << r.int(8));
      }
      return [out, `flip ${n} bits`];
    }
    case 1: {
      const p = at();
      out[p] = r.pick(INTERESTING);
      return [out, `byte ${p} := ${out[p]}`];
    }
    case 2: {
      const p = at();
      const ins = Buffer.from(Array.from({ length: 1 + r.int(16) }, () => r.int(256)));
      return [Buffer.concat([out.subarray(0, p), ins, out.subarray(p)]), `insert ${ins.length} at ${p}`];
    }
    case 3: {
      const p = at();
      const n = 1 + r.int(Math.max(1, out.length - p));
      return [Buffer.concat([out.subarray(0, p), out.subarray(p + n)]), `delete ${n} at ${p}`];
    }
    case 4: {
      const p = at();
      const n = 1 + r.int(Math.min(64, Math.max(1, out.length - p)));
      const k = 2 + r.int(8);
      const piece = out.subarray(p, p + n);
      return [
        Buffer.concat([out.subarray(0, p), ...Array.from({ length: k }, () => piece), out.subarray(p + n)]),
        `repeat ${n} bytes ${k}x at ${p}`,
      ];
    }
    case 5: {
      const n = at();
      return [out.subarray(0, n), `truncate to ${n}`];
    }
    case 6: {
      const p = at();
      const q = r.int(Math.max(1, other.length));
      return [
        Buffer.concat([out.subarray(0, p), other.subarray(q)]),
        `splice at ${p} with another body from ${q}`,
      ];
    }
    default: {
      // A varint-looking length inflated: the classic protobuf lie.
      const p = at();
      return [
        Buffer.concat([out.subarray(0, p), Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f]), out.subarray(p + 1)]),
        `huge varint at ${p}`,
      ];
    }
  }
}

const spotCache = new WeakMap<Buffer, { text: string; spots: [number, number][] }>();

function mutateJson(r: Rng, b: Buffer): [Buffer, string] {
  let cached = spotCache.get(b);
  if (!cached) {
    const text = b.toString('utf8');
    // Value-ish tokens (numbers, strings, literals), found once per seed.
    const re = /"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:e[+-]?\d+)?|true|false|null/g;
    const spots: [number, number][] = [];
    for (let m = re.exec(text); m && spots.length < 4000; m = re.exec(text))
      spots.push([m.index, m[0].length]);
    cached = { text, spots };
    spotCache.set(b, cached);
  }
  const { text, spots } = cached;
  if (spots.length === 0) return [b, 'json unchanged'];
  const [i, n] = r.pick(spots);
  const tok = r.pick(JSON_TOKENS);
  return [
    Buffer.from(text.slice(0, i) + tok + text.slice(i + n)),
    `json token at ${i} := ${tok.slice(0, 20)}`,
  ];
}

/** `count` mutants of the seeds, deterministic for `seed`. */
export function* mutants(seeds: readonly FuzzSeed[], count: number, seed: number): Generator<FuzzRequest> {
  const r = rng(seed);
  for (let i = 0; i < count; i++) {
    const s = r.pick(seeds);
    const other = r.pick(seeds).body;
    let body = s.body;
    const hows: string[] = [];
    const rounds = 1 + r.int(3);
    for (let k = 0; k < rounds; k++) {
      // Token mutations work on the seed itself (its tokens are found once); later rounds mutate bytes.
      const [b, how] =
        s.json && k === 0 && r.next() < 0.6 ? mutateJson(r, body) : mutateBytes(r, body, other);
      body = b;
      hows.push(how);
    }
    let json = s.json;
    if (r.next() < 0.03) {
      json = !json;
      hows.push('other content type');
    }
    const headers: Record<string, string> = {
      'content-type': json ? 'application/json' : 'application/x-protobuf',
    };
    const g = r.next();
    if (g < 0.25) {
      body = gzipSync(body, { level: 1 });
      headers['content-encoding'] = 'gzip';
      hows.push('gzip');
    } else if (g < 0.3) {
      const z = Buffer.from(gzipSync(body, { level: 1 }));
      const p = 10 + r.int(Math.max(1, z.length - 10));
      z[p] = (z[p] ?? 0) ^ 0xff;
      body = z;
      headers['content-encoding'] = 'gzip';
      hows.push('corrupt gzip');
    } else if (g < 0.32) {
      headers['content-encoding'] = 'gzip';
      hows.push('claims gzip');
    }
    const path = r.next() < 0.05 ? r.pick(['/v1/logs', '/v1/traces', '/v1/metrics']) : s.path;
    yield { path, headers, body, how: hows.join('; ') };
  }
}

/** Sends every mutant with `concurrency` in flight; a status outside 2xx/4xx/503 (or a throw) is a failure. */
export async function runFuzz(opts: {
  send: (req: FuzzRequest) => Promise<number>;
  requests: Iterable<FuzzRequest>;
  concurrency: number;
}): Promise<FuzzStats> {
  const stats: FuzzStats = { sent: 0, byStatus: {}, failures: [] };
  const it = opts.requests[Symbol.iterator]();
  const worker = async () => {
    for (let n = it.next(); !n.done; n = it.next()) {
      const req = n.value;
      let status: number;
      try {
        status = await opts.send(req);
      } catch {
        status = 0;
      }
      stats.sent++;
      stats.byStatus[status] = (stats.byStatus[status] ?? 0) + 1;
      const ok = (status >= 200 && status < 500) || status === 503;
      if (!ok && stats.failures.length < 20)
        stats.failures.push({
          status,
          how: req.how,
          path: req.path,
          bodyBase64: req.body.toString('base64').slice(0, 2000),
        });
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency }, worker));
  return stats;
}
