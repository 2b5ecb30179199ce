/**
 * `npm run fuzz:ingest [-- --count 1000000 --seed 7 --sockets 0.05]`
 *
 * A longer OTLP fuzz campaign than the test suite's: mutants of the real agent captures and exporter-made
 * batches against a real `ward serve` (embedded store in a temp dir), most in-process, a share over real
 * sockets. Prints the answers by status; exits 1 on any answer outside 2xx/4xx/503 or if the server stops
 * answering. A bench is its own entry point, so it reads its own argv.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startServer } from '../collector/index.js';
import { type FuzzRequest, loadSeeds, mutants, runFuzz } from './lib/otlp-fuzz.js';

const { values: opts } = parseArgs({
  options: {
    count: { type: 'string', default: '1000000' },
    seed: { type: 'string', default: '7' },
    sockets: { type: 'string', default: '0.05' },
    fixtures: {
      type: 'string',
      default: resolve(import.meta.dirname, '..', '..', '..', 'shared', 'fixtures', 'agents'),
    },
  },
  strict: true,
});
const count = Number(opts.count);
const share = Number(opts.sockets);
const TOKEN = 'fuzz-campaign-token-0123456789';

const server = await startServer(
  {
    port: 0,
    dataDir: mkdtempSync(join(tmpdir(), 'ward-fuzz-')),
    store: { database: 'ward_fuzz' },
    time: { maxPastDays: 0 },
  },
  (m) => process.stderr.write(`${m}\n`),
  { prepareWorkerScript: new URL('../collector/ingest/prepare-worker.js', import.meta.url) },
);
await server.store.tokens.add(TOKEN, 'fuzz', 'runner');
const seeds = loadSeeds(opts.fixtures, Date.now());
let n = 0;
const send = async (req: FuzzRequest): Promise<number> => {
  const overSocket = (n++ % 1000) / 1000 < share;
  const init = {
    method: 'POST',
    headers: { ...req.headers, authorization: `Bearer ${TOKEN}` },
    body: new Uint8Array(req.body),
  };
  const res = overSocket
    ? await fetch(`${server.url}${req.path}`, init)
    : await server.app.request(req.path, init);
  await res.arrayBuffer();
  return res.status;
};
const started = Date.now();
const timer = setInterval(() => process.stderr.write(`  ${n} sent\n`), 10_000);
const stats = await runFuzz({ send, requests: mutants(seeds, count, Number(opts.seed)), concurrency: 16 });
clearInterval(timer);
const health = await fetch(`${server.url}/healthz`).then(
  (r) => r.status,
  () => 0,
);
process.stdout.write(
  `OTLP fuzz: ${stats.sent} mutants of ${seeds.length} seeds in ${((Date.now() - started) / 1000).toFixed(1)} s\n` +
    `  answers: ${JSON.stringify(stats.byStatus)}\n  failures: ${stats.failures.length}\n  /healthz after: ${health}\n` +
    `  peak RSS: ${Math.round(process.resourceUsage().maxRSS / 1024)} MiB\n`,
);
for (const f of stats.failures)
  process.stdout.write(`  ${f.status} ${f.path} ${f.how}\n    ${f.bodyBase64.slice(0, 200)}\n`);
await server.close();
process.exit(stats.failures.length === 0 && health === 200 ? 0 : 1);
