/**
 * Python project tools that run code or commands a project file holds: `nox` runs noxfile.py (Python, judged
 * as the same code given inline), `poe` the tasks of pyproject.toml's `[tool.poe]` or poe_tasks.toml (and the
 * files its `include` names), `pdm` the scripts of `[tool.pdm.scripts]` (`pdm run x`, and hooks on install,
 * build, lock), `hatch` the scripts and install commands of its environments (pyproject.toml's
 * `[tool.hatch.envs]`, hatch.toml's `[envs]`). The file is read as it is now (the caller's reader), or as this
 * command line wrote it, and all its tasks are judged as typed, whatever wrote them: which task runs is the
 * tool's to choose. poe, pdm and hatch look for the project in the directories above too. A file of theirs
 * that does not read as TOML asks.
 */
import { posix } from 'node:path';
import { type Call, type Handler, optionValue } from '../call.js';
import { report } from '../context.js';
import { classifyPath } from '../paths.js';
import { type PythonTaskTool, readPythonTasks } from '../python-tasks.js';
import { UNKNOWN } from '../script.js';
import { commandsOf, leastRisk } from '../script-kinds.js';
import { MAX_JUDGED, reportRun } from '../script-written.js';

/** How many directories above the working directory a project's search is followed. */
const MAX_LEVELS = 32;

/** The text of the file at `path` as this command line wrote it, or as it is now. */
export const textAt = (c: Call, path: string): string | undefined =>
  c.ctx.written?.get(path) ?? c.ctx.readScript?.(path);

/** The directory an option names (or the working directory), resolved; undefined when known only at run time. */
export function startDir(c: Call, options: readonly string[]): string | undefined {
  const dir = optionValue(c.args, options) ?? '.';
  if (dir.includes(UNKNOWN)) return undefined;
  return classifyPath(dir, { workspace: c.ctx.workspace, cwd: c.cwd }).path;
}

/** Each directory from `dir` up to the root, at most MAX_LEVELS above it. */
export function upFrom(dir: string): string[] {
  const out = [dir];
  for (let at = dir; out.length <= MAX_LEVELS && posix.dirname(at) !== at; ) {
    at = posix.dirname(at);
    out.push(at);
  }
  return out;
}

const join = (dir: string, name: string) => (dir === '/' ? `/${name}` : `${dir}/${name}`);

/** Reports what the tasks of `tools` in the file at `path` run; their script names when the file is theirs. */
function judgeTasks(c: Call, path: string, tools: readonly PythonTaskTool[]): string[] | undefined {
  const text = textAt(c, path);
  if (text === undefined) return undefined;
  const reading = readPythonTasks(text, posix.basename(path), tools);
  if (!reading) return undefined;
  reportRun(c, path, path, reading.commands);
  if (reading.commands.length > MAX_JUDGED)
    report(c.ctx, 'exec.script-run-ask', `${path} run by ${c.name}: more tasks than the gate reads`);
  if (reading.unreadable)
    report(c.ctx, 'exec.script-run-ask', `${path} run by ${c.name}: does not read as TOML`);
  // poe's `include = "tasks.toml"` / `[[tool.poe.include]] path = …`: the tasks of those files too.
  if (tools.includes('poe'))
    for (const m of text.matchAll(/(?:include|path)\s*=\s*\[?\s*((?:["'][^"'\n]+["']\s*,?\s*)+)/g))
      for (const q of (m[1] ?? '').matchAll(/["']([^"'\n]+)["']/g)) {
        const name = q[1] ?? '';
        if (name.includes('$') || name.startsWith('~')) continue;
        const included = posix.resolve(posix.dirname(path), name);
        // An included file's tasks sit at its root, as in poe_tasks.toml.
        const t = textAt(c, included);
        const r = t === undefined ? undefined : readPythonTasks(t, 'poe_tasks.toml', ['poe']);
        if (r) reportRun(c, included, included, r.commands);
      }
  return reading.scripts;
}

/**
 * A tool that reads `names` in the project directory it finds from `options` up: judges them, and says which
 * script names they define (undefined when no file of the tool's was found).
 */
const projectTool =
  (tools: readonly PythonTaskTool[], names: readonly string[], options: readonly string[]) =>
  (c: Call): string[] | undefined => {
    if (!c.ctx.readScript && !c.ctx.written) return undefined;
    const start = startDir(c, options);
    if (start === undefined) return undefined;
    for (const dir of upFrom(start)) {
      let scripts: string[] | undefined;
      for (const n of names) {
        const s = judgeTasks(c, join(dir, n), tools);
        if (s) scripts = [...(scripts ?? []), ...s];
      }
      // The project is the first directory with a pyproject.toml (or a file of the tool's own).
      if (scripts || names.some((n) => textAt(c, join(dir, n)) !== undefined)) return scripts;
    }
    return undefined;
  };

/** `nox`, `nox -f ci/noxfile.py`: noxfile.py of the working directory, as Python. */
const runsNoxfile: Handler = (c: Call) => {
  const named = optionValue(c.args, ['-f', '--noxfile']) ?? 'noxfile.py';
  if (named.includes(UNKNOWN)) return;
  const path = classifyPath(named, { workspace: c.ctx.workspace, cwd: c.cwd }).path;
  const text = textAt(c, path);
  if (text === undefined) return;
  reportRun(c, path, path, commandsOf('python', text, true), leastRisk('python'));
};

const PDM = projectTool(['pdm'], ['pyproject.toml'], ['-p', '--project']);
const HATCH = projectTool(['hatch'], ['pyproject.toml', 'hatch.toml'], []);

const POE = projectTool(['poe'], ['pyproject.toml', 'poe_tasks.toml'], ['-C', '--directory', '--root']);

/** Handlers of the Python project tools, by name. */
export const PYTHON_RUNNER_PROGRAMS: Record<string, Handler> = {
  nox: runsNoxfile,
  poe: (c) => void POE(c),
  pdm: (c) => void PDM(c),
  hatch: (c) => void HATCH(c),
};

/**
 * Of these, the ones whose `run` the gate also reads as a wrapped command (`pdm run pytest`): judges the
 * project's scripts and says the names they define (`pdm run start` runs the script, not a program `start`).
 */
export const RUNNER_CONFIG: Record<string, (c: Call) => string[] | undefined> = { pdm: PDM, hatch: HATCH };
