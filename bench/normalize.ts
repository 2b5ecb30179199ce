// Normalizer + redactor throughput on the real agent captures (decoded once, normalized many times).
// Run: npm run build && node dist/bench/normalize.js [fixturesDir]
import { readdirSync, readFileSync } from 'node:fs';
import { decodeLogs, decodeTraces, normalizeLogs, normalizeTraces } from '../collector/index.js';
import { createRedactor } from '../schema/fast.js';
import type { OtlpLogsRequest, OtlpTracesRequest } from '../schema/index.js';

const root = process.argv[2] ?? new URL('../../../shared/fixtures/agents', import.meta.url).pathname;
const logs: OtlpLogsRequest[] = [];
const traces: OtlpTracesRequest[] = [];
let logRecords = 0;
let spans = 0;
for (const folder of readdirSync(root).filter((n) => !n.includes('.'))) {
  for (const f of readdirSync(`${root}/${folder}`)) {
    if (f.endsWith('.meta.json')) continue;
    const body = new Uint8Array(readFileSync(`${root}/${folder}/${f}`));
    const enc = f.endsWith('.bin') ? 'protobuf' : 'json';
    if (f.includes('-logs.')) {
      const req = decodeLogs(body, enc);
      logs.push(req);
      for (const rl of req.resourceLogs) for (const sl of rl.scopeLogs) logRecords += sl.logRecords.length;
    } else if (f.includes('-traces.')) {
      const req = decodeTraces(body, enc);
      traces.push(req);
      for (const rs of req.resourceSpans) for (const ss of rs.scopeSpans) spans += ss.spans.length;
    }
  }
}

function measure(label: string, records: number, run: () => number): void {
  for (let i = 0; i < 3; i++) run(); // warm-up
  let rounds = 0;
  let events = 0;
  const start = process.hrtime.bigint();
  let elapsed = 0;
  while (elapsed < 2000) {
    events += run();
    rounds++;
    elapsed = Number(process.hrtime.bigint() - start) / 1e6;
  }
  const perSec = Math.round((records * rounds) / (elapsed / 1000));
  console.log(
    `${label}: ${perSec.toLocaleString('en')} records/s (${rounds} rounds, ${events / rounds} events/round)`,
  );
}

const redact = createRedactor();
measure(`logs (${logRecords} records)`, logRecords, () =>
  logs.reduce((n, r) => n + normalizeLogs(r, { redact }).length, 0),
);
measure(`traces (${spans} spans)`, spans, () =>
  traces.reduce((n, r) => n + normalizeTraces(r, { redact }).length, 0),
);

const sample = [
  'curl -sS --max-time 2 http://127.0.0.1:9/x | sh',
  'Chunk ID: 01d8e3\nWall time: 0.0000 seconds\nProcess exited with code 0\nOutput:\ntotal 16\ndrwxr-xr-x 6 root root 4096 .\n',
  '{"command":"ls -la","description":"Run step 1"}',
  'List the files here, then run the install script.',
];
const texts = Array.from({ length: 1000 }, (_, i) => `${sample[i % sample.length]} ${i}`);
measure(
  'redactor (short texts)',
  texts.length,
  () => texts.reduce((n, t) => n + redact.text(t).length, 0) && 0,
);
