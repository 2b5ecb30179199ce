import { type HeldoutResult, loadHeldout4, scoreHeldout4 } from './heldout-4.js';

const LOUD = new Set(['high', 'critical']);

/** A review set's results, and what its tests read of one session. */
export interface ReviewSet {
  results: HeldoutResult[];
  /** The detectors of a session's high and critical alerts. */
  loud(id: string): string[];
  /** The detectors a session alerted on, novelty's aside (it depends on what the warm-up fleet made familiar). */
  quiet(id: string): string[];
}

/**
 * A review's sessions (a JSONL file in the heldout-4 step language), each played by the agent it names in its own
 * telemetry through a real server with the analyzer inside, scored once all are stored, in their order.
 */
export async function scoreReviewSet(file: URL, o: { warmup?: number } = {}): Promise<ReviewSet> {
  const results = await scoreHeldout4(loadHeldout4(file), { live: false, ...o });
  const byId = (id: string): HeldoutResult => {
    const r = results.find((x) => x.id === id);
    if (!r) throw new Error(`no session ${id} in ${file.pathname}`);
    return r;
  };
  return {
    results,
    loud: (id) =>
      byId(id)
        .alerts.filter((a) => LOUD.has(a.severity))
        .map((a) => a.rule),
    quiet: (id) => byId(id).rules.filter((r) => !r.startsWith('novelty.')),
  };
}
