/**
 * The project's Python that a command runs without naming it: the modules an import reaches (python-modules.ts:
 * a poe `script`, a pdm `call`, `python -m pkg`) and what building the project runs of it (python-build-hooks.ts),
 * each read as it is now (or as this command line wrote it) and judged as the same code given inline. The build
 * frontends: `pip install|wheel|download` of a project path (`.`, `-e ./pkg`), `uv build|sync|run` and `uv pip
 * install` of one, `poetry install|build|sync`, `pyproject-build` (`python -m build`); hatch and pdm call
 * judgeProjectBuild themselves.
 */
import { type Call, type Handler, optionValue } from '../call.js';
import { report } from '../context.js';
import { classifyPath } from '../paths.js';
import { buildHooks } from '../python-build-hooks.js';
import { moduleFiles } from '../python-modules.js';
import { UNKNOWN } from '../script.js';
import { commandsOf, leastRisk } from '../script-kinds.js';
import { parseToml } from '../toml-text.js';
import { join, judgeCode, judgeHanded, startDir, textAt } from './project-files.js';

/** Judges the project files importing `module` runs (`main`: run as a program), found under `roots`. */
export function judgePythonModule(c: Call, module: string, roots: readonly string[], main = false): void {
  if (module.includes(UNKNOWN)) return;
  for (const f of moduleFiles(module, roots, (p) => textAt(c, p), main))
    judgeHanded(c, f.path, commandsOf('python', f.text, true), leastRisk('python'));
}

/** Judges what building the project at `dir` runs of it (nothing when it is no Python project). */
export function judgeProjectBuild(c: Call, dir: string): void {
  const text = textAt(c, join(dir, 'pyproject.toml'));
  const hatchText = textAt(c, join(dir, 'hatch.toml'));
  const doc = text === undefined ? undefined : parseToml(text);
  if (text !== undefined && doc === undefined)
    report(c.ctx, 'exec.script-run-ask', `${dir}/pyproject.toml built by ${c.name}: does not read as TOML`);
  const hooks = buildHooks(dir, doc, hatchText === undefined ? undefined : parseToml(hatchText));
  for (const f of hooks.files) judgeCode(c, f, 'python');
  if (hooks.backend) judgePythonModule(c, hooks.backend.module, hooks.backend.roots);
}

/** Options of pip and `uv pip` whose value is no project to build. */
const VALUE_OPTIONS = new Set([
  '-r',
  '--requirement',
  '-c',
  '--constraint',
  '-i',
  '--index-url',
  '--extra-index-url',
  '-f',
  '--find-links',
  '-t',
  '--target',
  '--prefix',
  '--root',
  '--python',
  '-p',
  '--platform',
  '--src',
  '-w',
  '--wheel-dir',
  '-d',
  '--dest',
]);
/** An operand that is a path to a project (`.`, `./pkg`, `../x[dev]`, `/abs/dir`, `file:./x`), not a name. */
const PROJECT_PATH =
  /^(?:file:(?:\/\/)?)?(\.{1,2}(?:\/[^[\s]*)?|\/[^[\s]*|~\/[^[\s]*|[\w.-]+\/[^[\s]*)(?:\[[^\]]*\])?$/;

const resolved = (c: Call, path: string) =>
  classifyPath(path, { workspace: c.ctx.workspace, cwd: c.cwd }).path;

/** The project directories an install's operands name. */
function projectPaths(c: Call, args: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? '';
    if (a === '-r' || a === '--requirement') {
      // A requirements file's `-e .` or `./pkg` lines are projects built too.
      const file = args[++i];
      const text = file === undefined || file.includes(UNKNOWN) ? undefined : textAt(c, resolved(c, file));
      const lines = (text ?? '').split('\n', 1024).map((l) => l.replace(/(?:^|\s)#.*$/, '').trim());
      out.push(
        ...projectPaths(
          c,
          lines.flatMap((l) => l.split(/\s+/)).filter((w) => w !== '-r'),
        ),
      );
      continue;
    }
    if (VALUE_OPTIONS.has(a)) {
      i++;
      continue;
    }
    const value =
      a === '-e' || a === '--editable' ? args[++i] : a.startsWith('--editable=') ? a.slice(11) : a;
    const m = value === undefined || value.startsWith('-') ? null : PROJECT_PATH.exec(value);
    if (m?.[1] && !m[1].includes(UNKNOWN) && !/\.(?:whl|tar\.gz|zip|txt)$/.test(m[1]))
      out.push(classifyPath(m[1], { workspace: c.ctx.workspace, cwd: c.cwd }).path);
  }
  return out;
}

const pip: Handler = (c) => {
  const at = c.args.findIndex((a) => !a.startsWith('-'));
  if (!/^(?:install|wheel|download)$/.test(c.args[at] ?? '')) return;
  for (const dir of projectPaths(c, c.args.slice(at + 1))) judgeProjectBuild(c, dir);
};

/** `poetry install|build|sync`: the project's editable install or build. */
const poetry: Handler = (c) => {
  if (!/^(?:install|build|sync)$/.test(c.args.find((a) => !a.startsWith('-')) ?? '')) return;
  const dir = optionValue(c.args, ['-C', '--directory', '-P', '--project']) ?? '.';
  if (!dir.includes(UNKNOWN))
    judgeProjectBuild(c, classifyPath(dir, { workspace: c.ctx.workspace, cwd: c.cwd }).path);
};

const uv: Handler = (c) => {
  const words = c.args.filter((a) => !a.startsWith('-'));
  if (words[0] === 'pip') {
    pip({ ...c, args: c.args.slice(c.args.indexOf('pip') + 1) });
    return;
  }
  if (!/^(?:build|sync|run)$/.test(words[0] ?? '')) return;
  const dir = words[0] === 'build' ? words[1] : undefined;
  const project = optionValue(c.args, ['--project', '--directory']) ?? dir ?? '.';
  if (!project.includes(UNKNOWN))
    judgeProjectBuild(c, classifyPath(project, { workspace: c.ctx.workspace, cwd: c.cwd }).path);
};

const pyprojectBuild: Handler = (c) => {
  const dir = c.args.find((a) => !a.startsWith('-')) ?? '.';
  const start =
    dir === '.' ? startDir(c, []) : classifyPath(dir, { workspace: c.ctx.workspace, cwd: c.cwd }).path;
  if (start !== undefined && !dir.includes(UNKNOWN)) judgeProjectBuild(c, start);
};

/** Handlers of the Python build frontends, by name. */
export const PYTHON_BUILD_PROGRAMS: Record<string, Handler> = {
  pip,
  pip3: pip,
  uv,
  poetry,
  'pyproject-build': pyprojectBuild,
};

/** `uv run …` (read as a wrapped command, not by the handlers): it syncs the project first, building it. */
export const UV_RUN = (c: Call): undefined => void uv(c);
