import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEV_SET, haveShared } from '../../test/helpers/shared.js';
import { createGate } from '../gate.js';
import { loadPolicy } from '../policy/load.js';
import { groupBucket } from './groups.js';
import { parseRows, rate, scoreGate } from './score.js';

/**
 * The gate scored on the groups it was never tuned on (a fixed split by ATT&CK technique, GTFOBins binary,
 * RedCode scenario and utility: see groups.ts), against the targets. Latency is measured by
 * `npm run eval:gate`, never in a test.
 */
describe.runIf(haveShared('eval', 'dev.jsonl'))('evaluation on held-out groups of the shared dev set', () => {
  it('meets the recall and allow-rate targets on techniques, binaries and utilities it never saw', async () => {
    const rows = parseRows(readFileSync(DEV_SET, 'utf8')).filter((r) => groupBucket(r) === 'holdout');
    const gate = await createGate({ policy: await loadPolicy({}), workspace: '/workspace/project' });
    const report = scoreGate(gate, rows);
    expect(report.riskyRecall.total).toBeGreaterThan(300);
    expect(rate(report.riskyRecall)).toBeGreaterThanOrEqual(0.99);
    const gtfobins = report.bySource.get('gtfobins') ?? { hit: 0, total: 0 };
    expect(gtfobins.total).toBeGreaterThan(150);
    expect(rate(gtfobins)).toBeGreaterThanOrEqual(0.95);
    const tldr = report.benignBySource.get('tldr') ?? { hit: 0, total: 0 };
    expect(rate(tldr)).toBeGreaterThanOrEqual(0.88);
    // The narrowest margin (measured 0.907 on 2026-12-04, after the red team's evasions were closed; 0.900
    // before): the rules the issue requires (a program outside the catalogue
    // asks; any write outside the workspace asks) cost these rows about 3 points, won back by modelling
    // behaviour more exactly (containers, clusters, digests, documents vs configuration). A rule that
    // asks more must earn its place here.
    expect(rate(report.benignAllow)).toBeGreaterThanOrEqual(0.9);
  }, 120_000);
});
