import { describe, expect, it } from 'vitest';
import type { Sighting } from '../store/index.js';
import { SessionState } from './session-state.js';
import { createSightings } from './sightings.js';

const row = (session: string, sender: string, repo = 'r') => ({
  key: 'bin:socat',
  session_id: session,
  sender,
  agent: 'codex',
  user_id: 'u',
  repo,
  time: '2026-01-01T00:00:00Z',
});

function sessionOf(...senders: string[]): SessionState {
  const s = new SessionState('s');
  for (const x of senders) s.senders.add(x);
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
      sample: Array.from({ length: 50 }, (_, i) => [`t${i}`, [['codex', 'u', 'r']]]),
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
});
