import { describe, expect, it } from 'vitest';
import { NO_FACTS } from './facts.js';
import { markChars, markOf } from './mark.js';
import type { Observation } from './observation.js';
import { SessionState } from './session-state.js';
import { SessionStates } from './session-states.js';

// Marks kept whole observations (an agent's command near the 8 KiB cut, its facts and fields), now a slim copy
// (analyzer/mark.ts) of about a kilobyte. Counted only in marks per list, with a list per path written outside the
// workspace, one session could still hold hundreds of thousands of marks, and thousands of sessions more.

let n = 0;
const obs = (chars: number): Observation =>
  ({
    event: { command: 'x'.repeat(chars), target: '', event_id: `e${n}` },
    actionKey: `k${n++}`,
    timeMs: n,
    inputKey: '',
    fields: { path: ['/tmp/a'] },
    facts: NO_FACTS,
  }) as unknown as Observation;
/** What one mark of a command of `chars` characters holds. */
const one = (chars: number) => markChars(markOf(obs(chars)));

describe('the memory of sequence marks', () => {
  it("bounds one session's marks in characters, oldest first, whatever the list", () => {
    const each = one(8_192);
    const s = new SessionState('s');
    const lists = ['egress', 'sensitive-read', 'denied', 'refused', 'destructive', 'net', 'a', 'b'];
    for (let i = 0; i < 3_000; i++) s.mark(lists[i % lists.length] as string, obs(8_192));
    // 8 × 200 marks would be allowed by count; 1 Mi characters hold fewer.
    expect(s.markSize()).toBeLessThanOrEqual(2 ** 20 + each);
    const kept = lists.reduce((a, l) => a + s.marksOf(l).length, 0);
    expect(kept).toBeGreaterThan(0.95 * (2 ** 20 / each));
    expect(kept).toBeLessThan(1_600);
    // The newest stay.
    expect(s.marksOf(lists[(3_000 - 1) % lists.length] as string).at(-1)?.obs.actionKey).toBe(`k${n - 1}`);
  });

  it('bounds the number of lists (one per path written outside the workspace)', () => {
    const s = new SessionState('s');
    for (let i = 0; i < 10_000; i++) s.mark(`written:/tmp/f${i}`, obs(10));
    expect(s.marks.size).toBeLessThanOrEqual(256);
    expect(s.marksOf('written:/tmp/f9999')).toHaveLength(1);
    expect(s.marksOf('written:/tmp/f0')).toHaveLength(0);
  });

  it("forgets the least recently scored sessions when all sessions' marks hold too much", () => {
    const each = one(10_000);
    const states = new SessionStates(5_000, 10 * each);
    for (let i = 0; i < 50; i++) states.take(`s${i}`).state.mark('egress', obs(10_000));
    // The budget holds ~10 sessions of one mark; the count bound would have kept 50.
    expect(states.size).toBeLessThanOrEqual(11);
    expect(states.markChars()).toBeLessThanOrEqual(11 * each);
    expect(states.get('s49')).toBeDefined();
    expect(states.get('s0')).toBeUndefined();
    // A forgotten session comes back cold (it is rebuilt from the store).
    expect(states.take('s0').cold).toBe(true);
    expect(states.take('s49').cold).toBe(false);
  });

  it('keeps the budget exact when a forgotten session is still scored in the same batch', () => {
    const states = new SessionStates(2, 1_000_000);
    const first = states.take('a').state;
    first.mark('egress', obs(1_000));
    states.take('b').state.mark('egress', obs(1_000));
    states.take('c'); // forgets 'a'
    const b = states.get('b')?.markSize() ?? 0;
    expect(b).toBe(one(1_000));
    expect(states.markChars()).toBe(b);
    // The batch goes on with 'a' (its detectors still run): its marks no longer count, now or when they go.
    for (let i = 0; i < 300; i++) first.mark('egress', obs(1_000));
    expect(states.markChars()).toBe(b);
  });
});

describe('the memory of a finding', () => {
  it('remembers a bounded number of actions and keeps counting the rest, rows of one action once', () => {
    const s = new SessionState('s');
    const long = 'c'.repeat(256);
    const row = (i: number) =>
      ({
        actionKey: `${'s'.repeat(256)}\u0000${long}${i}\u0000read`,
        timeMs: i,
        event: { event_id: `e${i}` },
      }) as unknown as Observation;
    for (let i = 0; i < 10_000; i++) {
      s.record('cred-read', [row(i)], []);
      // The action's other row (its result), right after.
      s.record('cred-read', [row(i)], []);
    }
    const ev = s.evidence.get('cred-read');
    expect(ev?.actions).toBe(10_000);
    expect(ev?.actionKeys.size).toBe(200);
    expect(ev?.recentKeys.length).toBeLessThanOrEqual(32);
    for (const k of [...(ev?.actionKeys ?? []), ...(ev?.recentKeys ?? [])]) expect(k.length).toBe(16);
    expect(ev?.eventIds).toHaveLength(200);
    // The alert links the first actions and the latest: a run of harmless ones cannot push the real one out.
    expect(ev?.eventIds.slice(0, 100)).toEqual(Array.from({ length: 100 }, (_, i) => `e${i}`));
    expect(ev?.eventIds.slice(100)).toEqual(Array.from({ length: 100 }, (_, i) => `e${9_900 + i}`));
    // An early action seen again is not counted again.
    s.record('cred-read', [row(3)], []);
    expect(ev?.actions).toBe(10_000);
  });
});

describe("the memory of sessions' key sets, all sessions together", () => {
  // Each session's event ids, sighted and noted values are bounded (2 Mi characters a set), but 5,000 sessions of
  // an agent's distinct long values were not: tens of gigabytes in theory. The engine's sessions share one budget.
  it('forgets the least recently scored sessions once their keys hold more than the budget', () => {
    const states = new SessionStates(1_000, 2 ** 30, 10_000);
    for (let i = 0; i < 30; i++) {
      const { state } = states.take(`s${i}`);
      for (let k = 0; k < 10; k++) state.seen.add(`${i}-${k}-${'v'.repeat(100)}`);
    }
    // Each session holds ~1,000 characters: about ten fit, the newest.
    expect(states.keyChars()).toBeLessThanOrEqual(10_000 + 1_100);
    expect(states.size).toBeLessThanOrEqual(11);
    expect(states.get('s29')).toBeDefined();
    expect(states.get('s0')).toBeUndefined();
  });

  it('a forgotten session gives its share back, and what it adds after is not counted', () => {
    const states = new SessionStates(1, 2 ** 30, 2 ** 30);
    const { state: a } = states.take('a');
    a.noted.add('x'.repeat(500));
    expect(states.keyChars()).toBe(500);
    states.take('b'); // past one session: a is forgotten (a batch may still be scoring it)
    expect(states.keyChars()).toBe(0);
    a.sighted.add('y'.repeat(500));
    expect(states.keyChars()).toBe(0);
  });
});
