import { describe, expect, it } from 'vitest';
import type { Sighting } from '../store/index.js';
import { SessionState } from './session-state.js';
import { createSightings } from './sightings.js';

const T0 = Date.parse('2026-01-01T00:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();

const row = (session: string, sender: string, repo = 'r', received = T0) => ({
  key: 'bin:socat',
  session_id: session,
  sender,
  agent: 'codex',
  user_id: 'u',
  repo,
  // Claimed times are the sender's to choose; only when the store received it counts.
  time: '2025-01-01T00:00:00Z',
  received: iso(received),
});

function sessionOf(...senders: string[]): SessionState {
  const s = new SessionState('s');
  for (const x of senders) s.senders.add(x);
  return s;
}

/** A session of `sender` whose first event the store received at `firstMs`. */
function receivedSession(sender: string, firstMs: number, id = 's'): SessionState {
  const s = new SessionState(id);
  s.senders.add(sender);
  s.noteReceived(iso(firstMs));
  return s;
}

describe('novelty sightings, counted by sending token', () => {
  it("counts a token's sessions once, and never the session's own token", () => {
    const s = createSightings({ sightings: async () => [] });
    for (let i = 0; i < 30; i++) s.add(row(`decoy-${i}`, 'attacker', `repo-${i}`));
    expect(s.view('bin:socat', sessionOf('attacker'))).toEqual({ others: 0, sample: [] });
    const other = s.view('bin:socat', sessionOf('alice'));
    expect(other.others).toBe(1);
    // One token holds at most 20 places of the sample.
    expect(other.sample).toHaveLength(20);
    s.add(row('b-1', 'bob'));
    s.add(row('c-1', 'carol'));
    const mine = s.view('bin:socat', sessionOf('attacker'));
    expect(mine.others).toBe(2);
    expect(mine.sample.map((x) => x[0]).sort()).toEqual(['bob', 'carol']);
  });

  it("counts the session's own tokens out even when the store's sample does not list them", async () => {
    const stored: Sighting = {
      key: 'bin:socat',
      senders: 60,
      sample: Array.from({ length: 50 }, (_, i) => [`t${i}`, [['codex', 'u', 'r', T0, `s${i}`]]]),
    };
    const s = createSightings({ sightings: async () => [stored] });
    await s.preload(new Set(['bin:socat']));
    expect(s.view('bin:socat', sessionOf('t0')).others).toBe(59);
    expect(s.view('bin:socat', sessionOf('unlisted')).others).toBe(59);
    expect(s.view('bin:socat', sessionOf('t0', 'unlisted')).others).toBe(58);
    // A new token past the sample is not counted twice.
    s.add(row('x', 'newcomer'));
    expect(s.view('bin:socat', sessionOf('nobody')).others).toBe(59);
  });

  it("counts the session's own token from other sessions received well before it began, not since", () => {
    const day = 86_400_000;
    const s = createSightings({ sightings: async () => [] });
    // A developer's earlier sessions, received the day before.
    s.add(row('dev-1', 'dev', 'r', T0 - day));
    const later = receivedSession('dev', T0);
    expect(s.view('bin:socat', later)).toEqual({ others: 0, sample: [['dev', 'codex', 'u', 'r']] });
    // The margin: received four minutes before the session began is too close to tell from the agent's own.
    const close = createSightings({ sightings: async () => [] });
    close.add(row('dev-1', 'dev', 'r', T0 - 4 * 60_000));
    expect(close.view('bin:socat', receivedSession('dev', T0)).sample).toEqual([]);
    expect(close.view('bin:socat', receivedSession('dev', T0 + 2 * 60_000)).sample).toHaveLength(1);
  });

  it("never counts the session's own token from what arrived during it, whatever time it claims", () => {
    const s = createSightings({ sightings: async () => [] });
    for (let i = 0; i < 3; i++) s.add(row(`fake-${i}`, 'agent', 'victim', T0 + 60_000));
    expect(s.view('bin:socat', receivedSession('agent', T0)).sample).toEqual([]);
    // A session whose first event is not known yet counts none of its own token's.
    expect(s.view('bin:socat', sessionOf('agent')).sample).toEqual([]);
    // Nor its own session's events, however early they arrived (a session id the agent sends again).
    const own = createSightings({ sightings: async () => [] });
    own.add(row('s', 'agent', 'victim', T0 - 86_400_000));
    expect(own.view('bin:socat', receivedSession('agent', T0, 's')).sample).toEqual([]);
  });

  it('keeps the earliest arrival of a place, and the session that made it', () => {
    const s = createSightings({ sightings: async () => [] });
    s.add(row('fake', 'dev', 'r', T0 + 60_000));
    s.add(row('dev-1', 'dev', 'r', T0 - 86_400_000));
    expect(s.view('bin:socat', receivedSession('dev', T0)).sample).toHaveLength(1);
    // The earliest was this very session's: nothing of the place counts for it.
    expect(s.view('bin:socat', receivedSession('dev', T0, 'dev-1')).sample).toEqual([]);
  });
});
