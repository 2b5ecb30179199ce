/**
 * Task runners that run the commands of a project file: `task` (a Taskfile), `just` (a justfile and what it
 * imports: just-modules.ts), `tox` (tox-runner.ts), `foreman` / `honcho` / `overmind` / `hivemind` (a Procfile).
 * The file is read as it is now (the caller's reader) and all its commands are judged as typed, whatever wrote
 * them (a `sed -i`, a `cp`, an edit the server saw only a piece of): which task runs is the runner's to choose
 * (`includes`, dependencies). `task` and `just` look for their file in the directories above too (and just
 * goes on up from a justfile that sets `fallback`).
 */
import { posix } from 'node:path';
import { type Call, type Handler, optionValue } from '../call.js';
import { classifyPath } from '../paths.js';
import { UNKNOWN } from '../script.js';
import { commandsOf, type ScriptKind } from '../script-kinds.js';
import { reportRun } from '../script-written.js';
import { runJustfile } from './just-modules.js';
import { runTox } from './tox-runner.js';

interface Runner {
  kind: ScriptKind;
  /** The names the runner looks for, in order. */
  names: readonly string[];
  /** Options that name the file, and those that name the directory it is in. */
  file: readonly string[];
  dir: readonly string[];
  /** Whether the runner looks in the directories above when the directory has none of its names. */
  up?: boolean;
  /** Whether a file goes on to the one above it (just's `set fallback`: a recipe it lacks is looked for there). */
  fallback?: (text: string) => boolean;
}

/** How many directories above the working directory a runner's search is followed. */
const MAX_LEVELS = 32;

const TASK: Runner = {
  kind: 'taskfile',
  names: [
    'Taskfile.yml',
    'taskfile.yml',
    'Taskfile.yaml',
    'taskfile.yaml',
    'Taskfile.dist.yml',
    'taskfile.dist.yml',
  ],
  file: ['-t', '--taskfile'],
  dir: ['-d', '--dir'],
  up: true,
};
const JUST: Runner = {
  kind: 'just',
  names: ['justfile', 'Justfile', 'JUSTFILE', '.justfile'],
  file: ['-f', '--justfile'],
  dir: ['-d', '--working-directory'],
  up: true,
  fallback: (text) => /^set[ \t]+fallback(?![ \t]*:=[ \t]*false)/m.test(text),
};
const PROCFILE: Runner = {
  kind: 'procfile',
  names: ['Procfile'],
  file: ['-f', '--procfile'],
  dir: ['-d', '--root'],
};

const runs =
  (r: Runner): Handler =>
  (c: Call) => {
    if (!c.ctx.readScript) return;
    const dir = optionValue(c.args, r.dir) ?? '.';
    const named = optionValue(c.args, r.file);
    if (dir.includes(UNKNOWN) || named?.includes(UNKNOWN)) return;
    const where = { workspace: c.ctx.workspace, cwd: c.cwd };
    if (named) {
      const base = dir.replace(/\/+$/, '');
      judgeFile(c, r, classifyPath(named.startsWith('/') ? named : `${base}/${named}`, where).path);
      return;
    }
    let at = classifyPath(dir, where).path;
    for (let level = 0; level <= MAX_LEVELS; level++) {
      let text: string | undefined;
      for (const n of r.names) {
        text = judgeFile(c, r, at === '/' ? `/${n}` : `${at}/${n}`);
        if (text !== undefined) break;
      }
      if (text !== undefined && !r.fallback?.(text)) return;
      const up = posix.dirname(at);
      if (!r.up || up === at) return;
      at = up;
    }
  };

/** Judges the runner's file at `path` when it reads; its text, undefined when it does not read. */
function judgeFile(c: Call, r: Runner, path: string): string | undefined {
  const text = c.ctx.written?.get(path) ?? c.ctx.readScript?.(path);
  if (text === undefined) return undefined;
  if (r.kind === 'just') runJustfile(c, path, text);
  else reportRun(c, path, path, commandsOf(r.kind, text, true));
  if (r.kind === 'taskfile') runIncluded(c, path, text);
  return text;
}

/**
 * The Taskfiles a Taskfile includes (`includes: {ci: ./ci/steps.yml}`, `taskfile: ./ci`), read as they are now:
 * `task ci:x` runs their commands, and a file of any shape (JSON, no `version:`) was not judged as one when written.
 */
function runIncluded(c: Call, from: string, text: string, depth = 0): void {
  const read = c.ctx.readScript;
  if (!read || depth > 3) return;
  const dir = posix.dirname(from);
  const named = [
    ...text.matchAll(
      /^[ \t]+(?:["']?[\w.:-]+["']?|taskfile)[ \t]*:[ \t]*["']?([^\s"'{}#,]+\.ya?ml|\.{1,2}\/[^\s"'{}#,]*)/gm,
    ),
    ...text.matchAll(/["']?taskfile["']?\s*:\s*["']?([^\s"'{},#]+)/g),
  ].map((m) => m[1] ?? '');
  for (const name of new Set(named)) {
    if (name === '' || name.includes('{{') || REMOTE.test(name)) continue;
    const target = posix.resolve(dir, name);
    for (const p of /\.ya?ml$/i.test(target) ? [target] : TASK.names.map((n) => `${target}/${n}`)) {
      const included = c.ctx.written?.get(p) ?? read(p);
      if (included === undefined) continue;
      reportRun(c, p, p, commandsOf('taskfile', included, true));
      runIncluded(c, p, included, depth + 1);
      break;
    }
  }
}
const REMOTE = /^[a-z][\w+.-]*:\/\//i;

/** Handlers of the task runners, by name. */
export const TASK_RUNNER_PROGRAMS: Record<string, Handler> = {
  task: runs(TASK),
  'go-task': runs(TASK),
  just: runs(JUST),
  tox: runTox,
  foreman: runs(PROCFILE),
  honcho: runs(PROCFILE),
  overmind: runs(PROCFILE),
  hivemind: runs(PROCFILE),
};
