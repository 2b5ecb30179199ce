import type { Hit } from './detector.js';
import type { SessionState } from './session-state.js';

/** Baseline evidence is a snapshot: the latest factors per metric replace the earlier ones. */
export function replaceFactors(
  s: SessionState,
  detector: string,
  factors: Hit['factors'],
  startMs: number,
  value: string,
): void {
  const ev = s.evidence.get(detector);
  if (ev) {
    const rules = new Set(factors.map((f) => f.rule));
    const kept = ev.factors.filter((f) => !rules.has(f.rule));
    const before = JSON.stringify(ev.factors);
    ev.factors = [...kept, ...factors];
    if (JSON.stringify(ev.factors) !== before) {
      ev.changed = true;
      s.touched = true;
    }
    return;
  }
  s.record(detector, [], factors, value);
  const created = s.evidence.get(detector);
  if (created) {
    created.firstMs = startMs;
    created.lastMs = startMs;
  }
}
