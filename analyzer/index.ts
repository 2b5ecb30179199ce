/** The analyzer: detectors over agent events, alerts, session risk. Imports schema, store and the gate. */
import type { Store } from '../store/index.js';
import { createCommandAnalyzer } from './command-facts.js';
import type { DetectorMeta } from './detector.js';
import { BASELINE_DETECTORS, streamDetectors } from './detectors/index.js';
import { createEngine } from './engine.js';
import { createAnalyzerLoop, type LoopOptions } from './loop.js';

export { alertId } from './alert-build.js';
export type { DetectorMeta, Fixture, FixtureEvent, StreamDetector } from './detector.js';
export { BASELINE_DETECTORS, CODE_DETECTORS, streamDetectors } from './detectors/index.js';
export { type BatchResult, createEngine, type Engine } from './engine.js';
export { type AnalyzerLoop, createAnalyzerLoop } from './loop.js';
export * from './report/index.js';
export { fuseRisk, SEVERITY_WEIGHT } from './risk.js';
export { loadRules, parseRule, RULE_FIELDS, RuleError, SUPPORTED_MODIFIERS } from './sigma/load.js';
export { matchRule } from './sigma/match.js';

/** Detector metadata for listing (what each detects, severity, ATT&CK, false positives, triage, thresholds). */
export function detectorCatalog(rulesDir?: string): Omit<DetectorMeta, 'fixtures'>[] {
  return [...streamDetectors(rulesDir), ...BASELINE_DETECTORS].map(
    ({ id, title, description, severity, attack, falsepositives, triage, thresholds, kind }) => ({
      id,
      title,
      description,
      severity,
      attack,
      falsepositives,
      triage,
      thresholds,
      kind,
    }),
  );
}

/** The analyzer as `ward serve` and `ward analyze` run it: engine + watermark loop over one store. */
export async function createAnalyzer(
  o: {
    store: Store;
    rulesDir?: string;
    /** Where command analysis runs (default: its own thread when built; see createCommandAnalyzer). */
    analysis?: 'thread' | 'inline';
    /** Events replayed per session when its state is rebuilt (default 5,000; see createEngine). */
    historyCap?: number;
  } & Omit<LoopOptions, 'store' | 'engine'>,
) {
  const engine = createEngine({
    store: o.store,
    analyzer: await createCommandAnalyzer({
      ...(o.analysis ? { run: o.analysis } : {}),
      ...(o.log ? { log: o.log } : {}),
    }),
    detectors: streamDetectors(o.rulesDir),
    baselines: BASELINE_DETECTORS,
    ...(o.historyCap ? { historyCap: o.historyCap } : {}),
    ...(o.log ? { log: o.log } : {}),
  });
  const loop = createAnalyzerLoop({ ...o, store: o.store, engine });
  return { engine, loop };
}
