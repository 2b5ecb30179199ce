import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEV_SET, haveShared } from '../../test/helpers/shared.js';
import { createGate } from '../gate.js';
import { loadPolicy } from '../policy/load.js';
import { bucket, parseRows, rate, scoreGate } from './score.js';

const DEV = DEV_SET;

describe.runIf(haveShared('eval', 'dev.jsonl'))('evaluation on the shared dev set (held-out half)', () => {
  it('meets the recall, allow-rate and latency targets on a fixed sample', async () => {
    const rows = parseRows(readFileSync(DEV, 'utf8'));
    // The held-out half by id hash, every risky row and every other benign row: a fixed, reproducible sample.
    const sample = rows.filter((r, i) => bucket(r.id) === 'holdout' && (r.label === 'risky' || i % 2 === 0));
    const gate = await createGate({ policy: await loadPolicy({}), workspace: '/workspace/project' });
    scoreGate(gate, sample);
    const report = scoreGate(gate, sample, 3);
    expect(report.riskyRecall.total).toBeGreaterThan(200);
    // 0.98 rather than 0.99: the held-out half alone has ~260 risky rows, so one Atomic Red Team row that is
    // indistinguishable from everyday use (`hostname`) moves it by 0.4 points. The full-set target is
    // asserted by `npm run eval:gate`.
    expect(rate(report.riskyRecall)).toBeGreaterThanOrEqual(0.98);
    expect(rate(report.benignAllow)).toBeGreaterThanOrEqual(0.9);
    expect(report.latencyMs.p99).toBeLessThanOrEqual(2);
  });
});
