import { describe, expect, it } from 'vitest';
import { familyOf, MarkLosses } from './mark-losses.js';
import type { Observation } from './observation.js';
import { SessionState } from './session-state.js';

let n = 0;
/** An action at `timeMs` (only what a mark keeps). */
function action(timeMs: number): Observation {
  n++;
  return {
    event: {
      event_id: `e${n}`,
      session_id: 's',
      call_id: `c${n}`,
      command: `cp a /tmp/o${n}`,
      attributes: {},
    },
    actionKey: `k${n}`,
    actionClass: 'exec',
    timeMs,
    denied: false,
    facts: { tags: [], categories: [], attack: [], binaries: ['cp'], argv: [], paths: [], hosts: [] },
  } as unknown as Observation;
}

describe('what a session forgot of its marks', () => {
  it('names the family of a list: a per-path prefix, or the list itself', () => {
    expect(familyOf('written:/tmp/a:b')).toBe('written:');
    expect(familyOf('sensitive-read')).toBe('sensitive-read');
  });

  it('a flood of written paths is remembered as forgotten marks of that family, at their time', () => {
    const s = new SessionState('s');
    s.mark('storage-endpoint:env|https://s3.relay.example', action(1_000));
    s.mark('sensitive-read', action(2_000));
    for (let i = 0; i < 300; i++) s.mark(`written:/tmp/o${i}`, action(3_000 + i));
    // The endpoint setting went first; the detector's own list was kept, and nothing of it is said lost.
    expect(s.marksOf('storage-endpoint:env|https://s3.relay.example')).toEqual([]);
    expect(s.lost.since('storage-endpoint:x', 0)).toEqual({ forgotten: 1, rebuilt: false });
    expect(s.lost.since('storage-endpoint:x', 1_001)).toBeUndefined();
    expect(s.marksOf('sensitive-read')).toHaveLength(1);
    expect(s.lost.since('sensitive-read', 0)).toBeUndefined();
    expect(s.lost.since('written:/tmp/zz', 0)?.forgotten).toBeGreaterThan(0);
  });

  it('a list past its own bound loses its oldest marks, and says so', () => {
    const s = new SessionState('s');
    for (let i = 0; i < 201; i++) s.mark('denied', action(i * 10));
    expect(s.marksOf('denied')).toHaveLength(200);
    expect(s.lost.since('denied', 0)).toEqual({ forgotten: 1, rebuilt: false });
    expect(s.lost.since('denied', 1)).toBeUndefined();
  });

  it('a session rebuilt from its newest events lacks every family before the oldest replayed', () => {
    const l = new MarkLosses();
    l.rebuiltFrom(5_000);
    expect(l.since('denied', 4_000)).toEqual({ forgotten: 0, rebuilt: true });
    expect(l.since('written:/x', 5_000)).toEqual({ forgotten: 0, rebuilt: true });
    expect(l.since('denied', 5_001)).toBeUndefined();
  });

  it('stays bounded whatever lists a session names', () => {
    const l = new MarkLosses();
    for (let i = 0; i < 10_000; i++) l.forgot(`list-${i}`, i);
    expect((l as unknown as { byFamily: Map<string, unknown> }).byFamily.size).toBeLessThanOrEqual(65);
    // A family past the bound still counts: in the shared entry.
    expect(l.since('list-9999', 9_999)?.forgotten).toBeGreaterThan(0);
  });
});
