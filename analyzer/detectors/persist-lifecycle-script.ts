import { describe, inert } from '../behaviour.js';
import { type Hit, NO_HITS, type StreamDetector } from '../detector.js';
import {
  ACTS,
  filesRun,
  isHidden,
  type LifecycleScript,
  manifestDependencies,
  packagesRun,
  samePath,
  scriptsInManifest,
  scriptsSetByWords,
} from '../lifecycle-scripts.js';
import type { Mark } from '../mark.js';
import { lossNote } from '../mark-losses.js';
import type { Observation } from '../observation.js';
import type { SessionState } from '../session-state.js';
import { writtenText } from '../written-text.js';
import { installedPackages } from './supply-typosquat.js';

const thresholds = { window_s: 3600 } as const;
/** Per-path mark lists: a script that runs a file, and a file written with text that fetches or decodes. */
const RUNS = 'lifecycle-runs:';
const ACTING = 'lifecycle-acting:';
/** Per-package mark lists: a package this session installed, listed in a manifest it wrote, or ran itself. */
const KNOWN = 'lifecycle-package:';
const MANIFEST = /(^|\/)package\.json$/;

/** The paths an action wrote: a file tool's target, or a command's written paths. */
function writtenPaths(obs: Observation): string[] {
  if (obs.actionClass === 'write') return obs.event.target ? [obs.event.target] : [];
  return obs.facts.paths.filter((p) => p.access === 'write').map((p) => p.path);
}

/** The install-time scripts an action sets: by a command's words, or in package.json text it wrote. */
function scriptsSet(obs: Observation, written: readonly string[]): LifecycleScript[] {
  const byWords =
    obs.actionClass === 'exec' && obs.event.command.includes('script')
      ? scriptsSetByWords(obs.facts.argv)
      : [];
  if (!written.some((p) => MANIFEST.test(p))) return byWords;
  return [...byWords, ...scriptsInManifest(writtenText(obs.event, obs.actionClass))];
}

/**
 * Packages an action shows to be the project's: installed (`npm i -D husky`), listed with a version in a manifest
 * it wrote, or run through a runner outside any script it sets (`npx prisma generate`, run in the session).
 */
function packagesKnown(obs: Observation, written: readonly string[], setsScripts: boolean): string[] {
  const out: string[] = [];
  if (obs.actionClass === 'exec') {
    for (const p of installedPackages(obs.facts.argv)) if (p.eco === 'npm') out.push(p.name);
    if (!setsScripts) for (const p of packagesRun(obs.event.command)) if (!p.fetches) out.push(p.name);
  }
  if (written.some((p) => MANIFEST.test(p)))
    out.push(...manifestDependencies(writtenText(obs.event, obs.actionClass)));
  return out;
}

/** The files an action wrote with text that fetches, decodes or evaluates. */
function actingWrites(obs: Observation, written: readonly string[]): string[] {
  return written.length > 0 && ACTS.test(writtenText(obs.event, obs.actionClass)) ? [...written] : [];
}

/** Marks of per-path lists with this prefix whose path `matches`, within the window of `obs`. */
function marked(
  s: SessionState,
  prefix: string,
  obs: Observation,
  matches: (path: string) => boolean,
): Mark[] {
  const out: Mark[] = [];
  for (const [list, marks] of s.marks) {
    if (!list.startsWith(prefix) || !matches(list.slice(prefix.length))) continue;
    for (const m of marks) if (Math.abs(obs.timeMs - m.timeMs) <= thresholds.window_s * 1000) out.push(m);
  }
  return out;
}

/**
 * Why a pair's other half, none of whose marks is left, is taken as present: marks of its lists were forgotten
 * within the window (a flood of written paths), or the session was rebuilt without the store having them all back
 * (analyzer/session-steps.ts). A session the store had them back for is judged by them.
 */
function forgotten(s: SessionState, prefix: string, obs: Observation, what: string): string | undefined {
  const loss = s.lost.since(prefix, obs.timeMs - thresholds.window_s * 1000);
  return loss ? lossNote(loss, what) : undefined;
}

const hit = (id: string, evidence: Observation[], text: string): Hit => ({
  detector: id,
  evidence,
  factors: [{ rule: id, text }],
});

/**
 * An install-time package script set to run a hidden file, to fetch, decode or evaluate, or to run a file the
 * session wrote with text that does: it runs on the next `npm install` or `npm ci`, by the user or CI, outside any
 * agent session.
 */
export const lifecycleScript: StreamDetector = {
  id: 'persist.lifecycle-script',
  title: 'Install-time package script that runs a hidden or new payload',
  description:
    'A package.json script that npm, pnpm, yarn or bun run unasked (preinstall, install, postinstall, prepare, ' +
    'prepack, prepublish…) was set, by a command (npm pkg set, npm set-script, jq) or by writing package.json, to ' +
    'run a hidden file or its text (a dot-file or a file in a dot-folder; `sh -c "$(cat .x)"`), to fetch, decode ' +
    'or evaluate, to fetch and run a package (`npx -y x`, `npx x@latest`, `pnpm dlx`, `bunx`, or `npx x` of a ' +
    'package this session neither installed, listed in a manifest it wrote, nor ran), or to run a file this ' +
    'session wrote whose text fetches or decodes.',
  severity: 'high',
  attack: ['T1546', 'T1195.001'],
  falsepositives: [
    'A project that keeps its install scripts in a dot-folder other than .husky, .github, .config or .yarn',
    'A postinstall that downloads a platform binary, added on request',
    "A script running a project's dependency through npx, set before the session installed or ran it (or in a " +
      'session that never did)',
    'A script set to run a file after the analyzer forgot which files the session wrote to fetch or decode (a ' +
      'flood of written paths, more such files than the store keeps, or a restart of a session begun before the ' +
      'analyzer kept them): said so in the alert',
  ],
  triage:
    'Read the script and the file it runs: does it fetch, decode, post the environment or reach a host? Remove the ' +
    'script before anyone runs npm install, and check CI runs since.',
  thresholds,
  kind: 'sequence',
  // Files written to fetch and the files scripts were set to run: a rebuilt session has them back from the store.
  storedMarks: [ACTING, RUNS],
  fixtures: {
    positive: {
      session: [{ kind: 'command', command: 'npm pkg set scripts.prepare="node .cache/.x.js"', t: 0 }],
    },
    negative: {
      session: [
        { kind: 'command', command: 'npm pkg set scripts.prepare="husky"', t: 0 },
        { kind: 'command', command: 'npm pkg set scripts.postinstall="node scripts/gen-types.js"', t: 10 },
      ],
    },
  },
  observe(obs, s) {
    if (obs.actionClass !== 'exec' && obs.actionClass !== 'write') return NO_HITS;
    const hits: Hit[] = [];
    const written = writtenPaths(obs);
    const scripts = scriptsSet(obs, written);
    const known = packagesKnown(obs, written, scripts.length > 0);
    for (const name of known) s.mark(`${KNOWN}${name}`, obs);
    for (const { hook, run } of scripts) {
      const files = filesRun(run);
      const hidden = files.filter(isHidden);
      const what = `${describe(obs)} sets ${hook} to \`${inert(run, 120)}\``;
      for (const p of packagesRun(run)) {
        if (p.fetches)
          hits.push(hit(this.id, [obs], `${what}, which fetches package '${inert(p.name, 80)}' and runs it`));
        else if (!known.includes(p.name) && s.marksOf(`${KNOWN}${p.name}`).length === 0)
          hits.push(
            hit(
              this.id,
              [obs],
              `${what}, which runs package '${inert(p.name, 80)}' that this session neither installed nor ran: the runner fetches it wherever the project lacks it`,
            ),
          );
      }
      if (hidden.length > 0)
        hits.push(
          hit(
            this.id,
            [obs],
            `${what}, which runs hidden ${hidden.map((f) => `'${inert(f, 80)}'`).join(', ')}`,
          ),
        );
      else if (ACTS.test(run)) hits.push(hit(this.id, [obs], `${what}, which fetches, decodes or evaluates`));
      for (const f of files) {
        s.mark(`${RUNS}${f}`, obs);
        const acting = marked(s, ACTING, obs, (w) => samePath(w, f));
        for (const m of acting)
          hits.push(
            hit(this.id, [m.obs, obs], `${what}; the session wrote '${inert(f, 80)}' to fetch or decode`),
          );
        const lost =
          acting.length === 0 &&
          forgotten(s, ACTING, obs, `a write of '${inert(f, 80)}' that fetches or decodes`);
        if (lost) hits.push(hit(this.id, [obs], `${what}; ${lost}`));
      }
    }
    for (const path of actingWrites(obs, written)) {
      s.mark(`${ACTING}${path}`, obs);
      // Not failed closed the other way: text that fetches is any text with a URL, common; setting a script is not.
      for (const m of marked(s, RUNS, obs, (f) => samePath(path, f)))
        hits.push(
          hit(
            this.id,
            [m.obs, obs],
            `an install-time script runs '${inert(path, 80)}', written by ${describe(obs)} to fetch or decode`,
          ),
        );
    }
    return hits;
  },
};
