import { beforeAll, describe, expect, it } from 'vitest';
import { type ReviewSet, scoreReviewSet } from './analyzer-scenarios/review-set.js';

/**
 * File writes whose arguments are longer than the 256 characters agent_events keeps inline (the full value stays
 * once, in the raw row: store/rows/elide.ts). Scoring must read what was written, put back from the raw row, as
 * the API does: a package.json or a script of ordinary length is not "unknown content". Each case is played by the
 * agent it names, in that agent's own telemetry, through a real server with the analyzer inside
 * (test/fixtures/analyzer-long-writes.jsonl).
 */
describe('the analyzer on file writes longer than what agent_events keeps inline', () => {
  let set: ReviewSet;
  const loud = (id: string) => set.loud(id);
  const quiet = (id: string) => set.quiet(id);

  beforeAll(async () => {
    set = await scoreReviewSet(new URL('./fixtures/analyzer-long-writes.jsonl', import.meta.url), {
      // A small warm-up fleet: what is judged here is each write's content, not what the fleet makes familiar.
      warmup: 8,
    });
  }, 240_000);

  it('raises a high alert on a long package.json whose install-time script runs a hidden file', () => {
    for (const id of ['w01', 'w03']) expect(loud(id), id).toContain('persist.lifecycle-script');
  });

  it('raises a high alert on a long script, run at install, that downloads and runs code', () => {
    expect(loud('w02')).toContain('persist.lifecycle-script');
  });

  it('stays quiet on a long pre-commit config, a long shared git hook and an ordinary long package.json', () => {
    for (const id of ['b01', 'b02', 'b03', 'b04']) expect(quiet(id), id).toEqual([]);
  });
});
