/**
 * node dist/bench/eval-analyzer-heldout4.js [--split tune|final|all] — scores test/fixtures/analyzer-heldout-4.jsonl
 * through a real Ward server and prints, per session, the alerts, the risk and the time to the first alert.
 */
import { parseArgs } from 'node:util';
import { loadHeldout4, scoreHeldout4, summarise } from '../test/analyzer-scenarios/heldout-4.js';

const { values } = parseArgs({ options: { split: { type: 'string', default: 'all' } } });
const all = loadHeldout4(new URL('../../test/fixtures/analyzer-heldout-4.jsonl', import.meta.url)).filter(
  (s) => values.split === 'all' || s.split === values.split,
);
const results = await scoreHeldout4(all);
const lines = results.map(
  (r) =>
    `${r.id} ${r.split.padEnd(5)} ${(r.attack ? 'ATTACK' : 'benign').padEnd(6)} ${r.agent.padEnd(11)} ${r.scenario.padEnd(24)} ` +
    `${r.attack ? (r.rules.length ? 'DETECTED' : 'MISSED  ') : r.rules.length ? 'FALSE-AL' : 'quiet   '} risk ${r.risk.toFixed(2)} ` +
    `first ${r.firstAlertMs === null ? '-' : `${r.firstAlertMs} ms`} [${r.rules.join(' ')}]`,
);
for (const split of ['tune', 'final'] as const) {
  const s = summarise(results.filter((r) => r.split === split));
  lines.push(
    `${split}: recall ${s.detected}/${s.attacks}, false-alarm sessions ${s.falseAlarms}/${s.benign}`,
  );
}
process.stdout.write(`${lines.join('\n')}\n`);
