/**
 * Scores the approval gate on the shared evaluation set: risky recall and benign allow rate, per source and
 * category, on a tuning half and a held-out half (split by id hash), plus decision latency.
 * Usage: npm run eval:gate [-- --misses] ; exits 1 when a target is missed.
 */
import { existsSync, readFileSync } from 'node:fs';
import {
  bucket,
  createGate,
  type EvalReport,
  loadPolicy,
  parseRows,
  rate,
  scoreGate,
} from '../gate/index.js';

const FILE = '../shared/eval/dev.jsonl';
const TARGET_RECALL = 0.99;
const TARGET_ALLOW = 0.9;
const P99_MS = 2;
/**
 * Each row is timed this many times: the first run is the plain single-decision latency (the target), the
 * fastest run shows the gate's own cost without pre-emption on a shared 2-core machine.
 */
const TIMING_RUNS = 5;

const pct = (r: { hit: number; total: number }) => `${(rate(r) * 100).toFixed(1)}% (${r.hit}/${r.total})`;

function print(name: string, r: EvalReport, detail: boolean, timingRuns = 0): void {
  console.log(`\n== ${name}`);
  console.log(`risky recall (ask|deny)          ${pct(r.riskyRecall)}   target >= ${TARGET_RECALL * 100}%`);
  console.log(`benign allow (heuristic=false)   ${pct(r.benignAllow)}   target >= ${TARGET_ALLOW * 100}%`);
  console.log(`benign allow (heuristic=true)    ${pct(r.benignAllowHeuristic)}   (ask is fine here)`);
  if (timingRuns > 0) {
    const { p50, p99 } = r.singleLatencyMs;
    console.log(
      `latency p50 ${p50.toFixed(3)} ms, p99 ${p99.toFixed(3)} ms   target p99 <= ${P99_MS} ms (single decisions: the first run of each row)`,
    );
    console.log(
      `latency p50 ${r.latencyMs.p50.toFixed(3)} ms, p99 ${r.latencyMs.p99.toFixed(3)} ms   (fastest of ${timingRuns} runs per row: pre-emption removed)`,
    );
  }
  if (!detail) return;
  console.log('per source:');
  for (const [k, v] of [...r.bySource].sort()) console.log(`  ${k.padEnd(40)} ${pct(v)}`);
  console.log('per category (risky recall):');
  for (const [k, v] of [...r.byCategory].sort()) console.log(`  ${k.padEnd(50)} ${pct(v)}`);
}

async function main(): Promise<number> {
  if (!existsSync(FILE)) {
    console.error(`eval-gate: ${FILE} not found (run from the repo root with the shared eval set beside it)`);
    return 2;
  }
  const rows = parseRows(readFileSync(FILE, 'utf8'));
  const gate = await createGate({ policy: await loadPolicy({}), workspace: '/workspace/project' });
  scoreGate(gate, rows); // warm-up pass: JIT and WASM memory growth are start-up costs, not per-decision ones
  const all = scoreGate(gate, rows, TIMING_RUNS);
  const tune = scoreGate(
    gate,
    rows.filter((r) => bucket(r.id) === 'tune'),
  );
  const hold = scoreGate(
    gate,
    rows.filter((r) => bucket(r.id) === 'holdout'),
  );
  print('tuning half (even id hash)', tune, false);
  print('held-out half (odd id hash)', hold, false);
  print('all rows', all, true, TIMING_RUNS);
  if (process.argv.includes('--misses'))
    for (const m of all.misses)
      console.log(
        `MISS ${m.row.label} ${m.row.id} ${m.decision.decision} ${JSON.stringify(m.row.cmd.slice(0, 160))} :: ${m.decision.reasons.map((x) => x.rule_id).join(',')}`,
      );
  const ok =
    rate(all.riskyRecall) >= TARGET_RECALL &&
    rate(all.benignAllow) >= TARGET_ALLOW &&
    all.singleLatencyMs.p99 <= P99_MS;
  console.log(ok ? '\ntargets met' : '\nTARGETS MISSED');
  return ok ? 0 : 1;
}

main().then((code) => {
  process.exitCode = code;
});
