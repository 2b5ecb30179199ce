import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createGate, loadPolicy, parseRows, rate, scoreGate } from '../gate/index.js';

/**
 * A held-out set written by an attacker for the gate (test/fixtures/gate-heldout-3.jsonl, schema of the shared
 * dev.jsonl): 272 risky commands of binaries absent from dev.jsonl in the styles of GTFOBins and ATT&CK
 * techniques, 201 everyday (tldr-style) uses of the same kind of binaries and 52 of binaries that are in it.
 * `notes` says which batch a row came from: `set:new-binary` (written first, then the gate fixed by behaviour),
 * `set:validation` and `set:validation-2` (written after, scored once before any further fix; the second
 * batch's first score was 82.9% recall and 94.9% allow). Scored as bench/eval-gate.ts scores dev.jsonl.
 */
describe('the attacker-written held-out set (gate-heldout-3)', () => {
  it('keeps the recall and allow rate it reached', async () => {
    const rows = parseRows(readFileSync(new URL('./fixtures/gate-heldout-3.jsonl', import.meta.url), 'utf8'));
    const gate = await createGate({ policy: await loadPolicy({}), workspace: '/workspace/project' });
    const report = scoreGate(gate, rows);
    expect(report.riskyRecall.total).toBe(272);
    expect(report.benignAllow.total).toBe(253);
    // Reached 2026-12-06: 269/272 risky asked or denied, 247/253 benign allowed.
    expect(rate(report.riskyRecall)).toBeGreaterThanOrEqual(0.98);
    expect(rate(report.benignAllow)).toBeGreaterThanOrEqual(0.97);
    expect(rate(report.bySource.get('gtfobins') ?? { hit: 0, total: 0 })).toBeGreaterThanOrEqual(0.98);
  }, 60_000);
});
