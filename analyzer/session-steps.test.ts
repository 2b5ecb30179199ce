import { describe, expect, it } from 'vitest';
import type { StepRow } from '../store/index.js';
import type { Observation } from './observation.js';
import { SessionState } from './session-state.js';
import { MAX_STEPS } from './session-steps.js';

let n = 0;
/** An action at `timeMs` (only what a mark keeps). */
function action(timeMs: number): Observation {
  n++;
  return {
    event: {
      event_id: `e${n}`,
      session_id: 's',
      call_id: `c${n}`,
      command: `rm -rf ~/d${n}`,
      attributes: {},
    },
    actionKey: `k${n}`,
    actionClass: 'exec',
    timeMs,
    denied: true,
    facts: { tags: [], categories: [], attack: [], binaries: ['rm'], argv: [], paths: [], hosts: [] },
  } as unknown as Observation;
}

const FAMILIES = new Set(['denied', 'storage-endpoint:']);
const session = () => new SessionState('s', { chars: 0, keyChars: 0 }, FAMILIES);

describe('the first steps a session keeps in the store', () => {
  it('keeps the marks of its families as they are made, numbered per family; not those of a replay', () => {
    const s = session();
    s.mark('denied', action(1_000));
    s.mark('storage-endpoint:env|https://s3.relay.example', action(2_000));
    s.mark('sensitive-read', action(3_000));
    s.replaying = true;
    s.mark('denied', action(4_000));
    const rows = s.steps.take();
    expect(rows.map((r) => [r.family, r.seq, r.list, r.time])).toEqual([
      ['denied', 0, 'denied', '1970-01-01T00:00:01.000Z'],
      ['storage-endpoint:', 0, 'storage-endpoint:env|https://s3.relay.example', '1970-01-01T00:00:02.000Z'],
    ]);
    expect(JSON.parse((rows[0] as StepRow).mark)).toMatchObject({ timeMs: 1_000, obs: { actionKey: 'k1' } });
    expect(s.steps.take()).toEqual([]);
  });

  it('past MAX_STEPS of a family, one row says it overflowed and no more are written', () => {
    const s = session();
    for (let i = 0; i < MAX_STEPS + 10; i++) s.mark('denied', action(i));
    const rows = s.steps.take();
    expect(rows).toHaveLength(MAX_STEPS + 1);
    expect(rows.at(-1)).toMatchObject({ seq: MAX_STEPS, list: 'denied', mark: '' });
  });

  it('a rebuilt session holds its stored marks again and numbers its next steps after them', () => {
    const first = session();
    first.mark('denied', action(1_000));
    first.mark('denied', action(2_000));
    const stored = first.steps.take();
    const s = session();
    s.restoreSteps(stored, true);
    expect(s.marksOf('denied').map((m) => m.timeMs)).toEqual([1_000, 2_000]);
    expect(s.steps.whole).toEqual(FAMILIES);
    // Held again, not written again; a new step follows them.
    expect(s.steps.take()).toEqual([]);
    s.mark('denied', action(3_000));
    expect(s.steps.take().map((r) => r.seq)).toEqual([2]);
  });

  it('a family that overflowed, or a mark that does not read, is not whole; nor is any of an uncovered session', () => {
    const first = session();
    for (let i = 0; i < MAX_STEPS + 1; i++) first.mark('denied', action(i));
    first.mark('storage-endpoint:env|x', action(5));
    const stored = first.steps.take();
    const s = session();
    s.restoreSteps(stored, true);
    expect([...s.steps.whole]).toEqual(['storage-endpoint:']);
    expect(s.marksOf('denied')).toHaveLength(MAX_STEPS);

    const broken = session();
    broken.restoreSteps(
      stored.map((r) => (r.family === 'storage-endpoint:' ? { ...r, mark: '{"timeMs":"x"}' } : r)),
      true,
    );
    expect([...broken.steps.whole]).toEqual([]);

    const uncovered = session();
    uncovered.restoreSteps([], false);
    expect([...uncovered.steps.whole]).toEqual([]);
  });

  it('rows of another session or of a family it does not keep are left out', () => {
    const s = session();
    const other = new SessionState('t', { chars: 0, keyChars: 0 }, new Set(['denied', 'refused']));
    other.mark('denied', action(1));
    other.mark('refused', action(2));
    const rows = other.steps.take();
    s.restoreSteps(rows, true);
    s.restoreSteps(
      rows.map((r) => ({ ...r, session_id: 's' })),
      true,
    );
    expect(s.marksOf('denied')).toHaveLength(1);
    expect(s.marksOf('refused')).toEqual([]);
  });

  it('rows whose write failed are given back for the next one', () => {
    const s = session();
    s.mark('denied', action(1));
    const rows = s.steps.take();
    s.mark('denied', action(2));
    s.steps.giveBack(rows);
    expect(s.steps.take().map((r) => r.seq)).toEqual([0, 1]);
  });

  it('a rebuild whose store had a family whole does not take that family as lost', () => {
    const s = session();
    s.restoreSteps([], true);
    s.lost.rebuiltFrom(5_000, s.steps.whole);
    expect(s.lost.since('denied', 4_000)).toBeUndefined();
    expect(s.lost.since('storage-endpoint:', 4_000)).toBeUndefined();
    expect(s.lost.since('destructive', 4_000)).toEqual({ forgotten: 0, rebuilt: true });
  });
});
