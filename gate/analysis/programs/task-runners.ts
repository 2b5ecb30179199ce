/**
 * Task runners that run the commands of a project file: `task` (a Taskfile), `just` (a justfile), `tox`
 * (tox.ini), `foreman` / `honcho` / `overmind` / `hivemind` (a Procfile). The file is read as it is now (the
 * caller's reader) and all its commands are judged as typed, whatever wrote them (a `sed -i`, a `cp`, an edit
 * the server saw only a piece of): which task runs is the runner's to choose (`includes`, dependencies).
 */
import { posix } from 'node:path';
import { type Call, type Handler, optionValue } from '../call.js';
import { classifyPath } from '../paths.js';
import { UNKNOWN } from '../script.js';
import { commandsOf, type ScriptKind } from '../script-kinds.js';
import { reportRun } from '../script-written.js';

interface Runner {
  kind: ScriptKind;
  /** The names the runner looks for, in order. */
  names: readonly string[];
  /** Options that name the file, and those that name the directory it is in. */
  file: readonly string[];
  dir: readonly string[];
}

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
};
const JUST: Runner = {
  kind: 'just',
  names: ['justfile', 'Justfile', 'JUSTFILE', '.justfile'],
  file: ['-f', '--justfile'],
  dir: ['-d', '--working-directory'],
};
const TOX: Runner = { kind: 'tox', names: ['tox.ini'], file: ['-c', '--conf'], dir: ['--root'] };
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
    const base = dir.replace(/\/+$/, '');
    const candidates = named
      ? [named.startsWith('/') ? named : `${base}/${named}`]
      : r.names.map((n) => `${base}/${n}`);
    for (const candidate of candidates) {
      const path = classifyPath(candidate, { workspace: c.ctx.workspace, cwd: c.cwd }).path;
      const text = c.ctx.written?.get(path) ?? c.ctx.readScript(path);
      if (text === undefined) continue;
      reportRun(c, path, path, commandsOf(r.kind, text, true));
      if (r.kind === 'taskfile') runIncluded(c, path, text);
      return;
    }
  };

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
  tox: runs(TOX),
  foreman: runs(PROCFILE),
  honcho: runs(PROCFILE),
  overmind: runs(PROCFILE),
  hivemind: runs(PROCFILE),
};
