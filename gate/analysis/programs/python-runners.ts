/**
 * Python project tools that run code or commands a project file holds: `nox` runs noxfile.py (Python, judged
 * as the same code given inline), `poe` the tasks of pyproject.toml's `[tool.poe]` or poe_tasks.toml (and the
 * files its `include` names), `pdm` the scripts of `[tool.pdm.scripts]` (`pdm run x`, and hooks on install,
 * build, lock), `hatch` the scripts and install commands of its environments (pyproject.toml's
 * `[tool.hatch.envs]`, hatch.toml's `[envs]`). The file is read as it is now (the caller's reader), or as this
 * command line wrote it, and all its tasks are judged as typed, whatever wrote them: which task runs is the
 * tool's to choose. poe, pdm and hatch look for the project in the directories above too. A file of theirs
 * that does not read as TOML asks. A poe `script` or pdm `call` imports a project module, whose code is judged;
 * a hatch or pdm command that builds the project runs its build hooks (python-builds.ts).
 */
import { posix } from 'node:path';
import { type Call, type Handler, optionValue } from '../call.js';
import { report } from '../context.js';
import { classifyPath } from '../paths.js';
import { type PythonTaskTool, readPythonTasks } from '../python-tasks.js';
import { UNKNOWN } from '../script.js';
import { commandsOf, leastRisk } from '../script-kinds.js';
import { MAX_JUDGED, reportRun } from '../script-written.js';
import { join, startDir, textAt, upFrom } from './project-files.js';
import { judgeProjectBuild, judgePythonModule, PYTHON_BUILD_PROGRAMS, UV_RUN } from './python-builds.js';

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
  // A poe `script` or pdm `call`: the project module it imports (under the project, or its src/).
  const dir = posix.dirname(path);
  for (const m of reading.modules.slice(0, 16)) judgePythonModule(c, m, [dir, join(dir, 'src')]);
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
 * script names they define (undefined when no file of the tool's was found). `builds`: the subcommands that
 * build the project (its editable install too), whose build hooks run (python-builds.ts).
 */
const projectTool =
  (tools: readonly PythonTaskTool[], names: readonly string[], options: readonly string[], builds?: RegExp) =>
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
      if (scripts || names.some((n) => textAt(c, join(dir, n)) !== undefined)) {
        if (builds?.test(c.args.find((a) => !a.startsWith('-')) ?? '')) judgeProjectBuild(c, dir);
        return scripts;
      }
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

const PDM = projectTool(
  ['pdm'],
  ['pyproject.toml'],
  ['-p', '--project'],
  /^(?:build|install|i|sync|add|remove|update|lock)$/,
);
// Every hatch command that makes an environment (installing the project) or reads its metadata or version.
const HATCH = projectTool(
  ['hatch'],
  ['pyproject.toml', 'hatch.toml'],
  [],
  /^(?:build|run|env|shell|test|version|clean|dep|project)$/,
);

const POE = projectTool(['poe'], ['pyproject.toml', 'poe_tasks.toml'], ['-C', '--directory', '--root']);

/** Handlers of the Python project tools, by name. */
export const PYTHON_RUNNER_PROGRAMS: Record<string, Handler> = {
  nox: runsNoxfile,
  poe: (c) => void POE(c),
  pdm: (c) => void PDM(c),
  hatch: (c) => void HATCH(c),
  ...PYTHON_BUILD_PROGRAMS,
};

/**
 * Of these, the ones whose `run` the gate also reads as a wrapped command (`pdm run pytest`): judges the
 * project's scripts and says the names they define (`pdm run start` runs the script, not a program `start`);
 * `uv run` defines none, but builds the project first.
 */
export const RUNNER_CONFIG: Record<string, (c: Call) => string[] | undefined> = {
  pdm: PDM,
  hatch: HATCH,
  uv: UV_RUN,
};
