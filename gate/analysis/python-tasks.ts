/**
 * The tasks Python project tools run from TOML: poe the poet's (`[tool.poe]` of pyproject.toml, or
 * poe_tasks.toml), pdm's scripts and hooks (`[tool.pdm.scripts]`: `pre_install`, `post_build`, … run on install,
 * build, lock) and hatch's environments (`[tool.hatch.envs.*]` of pyproject.toml, or hatch.toml's `[envs.*]`:
 * their `scripts`, and `pre-install-commands` / `post-install-commands` run when an environment is made).
 * Whatever the shape of a task (a string, `{ shell = … }`, `{ cmd = [...] }`, a `sequence`, a `composite`, an
 * `env`), every string under the tool's table is judged as a command line, and every array of strings as the
 * words of one too: a description or a version read as a command names no program the gate knows, and only
 * what it can tell is risky counts. A poe `expr` and a pdm `call` or poe `script` are Python.
 */
import { isTomlTable, parseToml, type TomlTable, type TomlValue, tomlAt } from './toml-text.js';

/** The tools whose tables are read, and where each keeps them in each file. */
export type PythonTaskTool = 'poe' | 'pdm' | 'hatch';

/** What a file's tables of these tools run; `unreadable` when the file holds them but is not TOML. */
export interface PythonTasks {
  commands: string[];
  unreadable: boolean;
  /** The names `pdm run NAME` and `hatch run [ENV:]NAME` run as the file's scripts. */
  scripts: string[];
  /** The modules a poe `script` or pdm `call` imports to call a function of (`mypkg.app` of `mypkg.app:main`). */
  modules: string[];
}

/** The most command lines one file gives. */
const MAX_COMMANDS = 1024;
/** Keys whose value is Python rather than a command line. */
const PYTHON_KEYS = new Set(['expr', 'script', 'call']);

const quote = (w: string) => `'${w.replaceAll("'", `'\\''`)}'`;
const py = (code: string) => `python3 -c ${quote(code)}`;

/** The roots of each tool's tables in a file, by the file's name. */
function roots(doc: TomlTable, file: string, tools: readonly PythonTaskTool[]): TomlValue[] {
  const out: (TomlValue | undefined)[] = [];
  // A piece of a file: its tables are not known to be the tools', and all its strings are read.
  if (file === '') return [doc];
  for (const t of tools) {
    if (file === 'pyproject.toml')
      out.push(t === 'hatch' ? tomlAt(doc, ['tool', 'hatch', 'envs']) : tomlAt(doc, ['tool', t]));
    else if (file === 'poe_tasks.toml' && t === 'poe') out.push(doc);
    else if (file === 'hatch.toml' && t === 'hatch') out.push(doc.get('envs'));
  }
  return out.filter((v): v is TomlValue => v !== undefined);
}

function collect(v: TomlValue, key: string, out: Set<string>, modules: Set<string>, depth = 0): void {
  if (out.size >= MAX_COMMANDS || depth > 16) return;
  if (typeof v === 'string') {
    if (v.trim() === '') return;
    if (PYTHON_KEYS.has(key)) {
      // `pkg.mod:main(1)`: the function of a module, called; an expression as it stands.
      const call = /^([\w.]+):(\w+)(\(.*\))?$/s.exec(v.trim());
      out.add(py(call ? `import ${call[1]}; ${call[1]}.${call[2]}${call[3] ?? '()'}` : v));
      if (call && key !== 'expr') modules.add(call[1] ?? '');
    } else out.add(v);
  } else if (Array.isArray(v)) {
    const words = v.filter((w): w is string => typeof w === 'string');
    if (words.length > 1 && words.length === v.length) out.add(words.map(quote).join(' '));
    for (const w of v) collect(w, key, out, modules, depth + 1);
  } else if (isTomlTable(v)) for (const [k, w] of v) collect(w, k, out, modules, depth + 1);
}

/**
 * What the tables of `tools` in the TOML text of `file` (its name: pyproject.toml, poe_tasks.toml, hatch.toml;
 * '' for a piece of one, whose strings are all read) run; undefined when the file holds none of them.
 */
export function readPythonTasks(
  text: string,
  file: string,
  tools: readonly PythonTaskTool[],
): PythonTasks | undefined {
  const doc = parseToml(text);
  if (!doc) {
    // A file the tool reads that is not TOML (a piece mis-closed, a spelling the reader does not take).
    if (file === '') return undefined;
    const named = file !== 'pyproject.toml' || tools.some((t) => new RegExp(String.raw`\b${t}\b`).test(text));
    return named ? { commands: [], unreadable: true, scripts: [], modules: [] } : undefined;
  }
  const found = roots(doc, file, tools);
  if (found.length === 0) return undefined;
  const out = new Set<string>();
  const modules = new Set<string>();
  for (const r of found) collect(r, '', out, modules);
  return {
    commands: [...out],
    unreadable: false,
    scripts: scriptNames(doc, file, tools),
    modules: [...modules],
  };
}

/** pdm's script names; hatch's, bare and after their environment's name. */
function scriptNames(doc: TomlTable, file: string, tools: readonly PythonTaskTool[]): string[] {
  const keys = (v: TomlValue | undefined) => (isTomlTable(v) ? [...v.keys()] : []);
  const out: string[] = [];
  if (tools.includes('pdm') && file === 'pyproject.toml')
    out.push(...keys(tomlAt(doc, ['tool', 'pdm', 'scripts'])));
  const envs = tools.includes('hatch')
    ? file === 'pyproject.toml'
      ? tomlAt(doc, ['tool', 'hatch', 'envs'])
      : file === 'hatch.toml'
        ? doc.get('envs')
        : undefined
    : undefined;
  if (isTomlTable(envs))
    for (const [env, t] of envs)
      for (const name of keys(tomlAt(t, ['scripts']))) out.push(name, `${env}:${name}`);
  return out;
}
