/**
 * The command lines of tox configured in TOML: tox.toml, and pyproject.toml's `[tool.tox]` (native, or its
 * `legacy_tox_ini` text read as tox.ini). A command is a list of words (`commands = [["pytest", "-x"]]`) tox runs
 * without a shell; each is read as a shell line of the words quoted. tox's replacements are put in as tox puts
 * them: `{ replace = "ref", of = [...] }` (any value of the file), `{ replace = "posargs" | "env" | "glob",
 * default = … }` (the default), `{ replace = "if", … }` (both branches), `extend` spreading a list, and the `{…}`
 * of strings (tox-substitution.ts). A replacement the file does not resolve, or a file that is not TOML, is
 * unresolved: the caller asks.
 */

import { isTomlTable, parseToml, type TomlTable, type TomlValue, tomlAt } from './toml-text.js';
import { readToxIni, setEnvValue, TOX_COMMAND_KEY, type ToxReading, toxLineToShell } from './tox-commands.js';
import { expandTox, TOX_UNKNOWN, type ToxBudget, type ToxLookup, toxBudget } from './tox-substitution.js';

/** How deep references may lead (tox stops at 100) and tables nest before the reading gives up. */
const MAX_DEPTH = 16;
/** What one value resolved costs of the file's budget (references may fan out: each one read is a step). */
const STEP_COST = 64;

interface Reading {
  doc: TomlTable;
  /** The table tox reads: the document, or pyproject.toml's `tool.tox`. */
  root: TomlTable;
  budget: ToxBudget;
  pick: 0 | 1;
  unresolved: Set<string>;
}

const shellWord = (arg: string) =>
  arg
    .split(TOX_UNKNOWN)
    .map((part) => (part === '' ? '' : `'${part.replace(/'/g, `'\\''`)}'`))
    .join(`"\${TOX_VALUE}"`) || "''";

/** The words of a resolved command value: strings as they stand, a list's items in turn, others unknown. */
function words(v: TomlValue): string[] {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.flatMap(words);
  return [TOX_UNKNOWN];
}

/** A command (a list of words) as a shell line; tox's `-` and `!` before the first word dropped. */
function commandLine(args: string[]): string {
  const [first = '', ...rest] = args;
  const program = first.replace(/^[-!]+/, '');
  return [...(program === '' ? [] : [program]), ...rest].map(shellWord).join(' ');
}

/** The shell lines of a resolved command value: a list of commands, one command, or a line given as text. */
function commandLines(v: TomlValue): string[] {
  if (typeof v === 'string') return [toxLineToShell(v.replaceAll(TOX_UNKNOWN, `\${TOX_VALUE}`))];
  if (!Array.isArray(v)) return [];
  if (!v.some(Array.isArray)) return [commandLine(words(v))];
  // A list of commands where a command stands (a reference to one, not spread) is read as commands again.
  return v.flatMap((item) =>
    Array.isArray(item) && !item.some(Array.isArray) ? [commandLine(words(item))] : commandLines(item),
  );
}

/** A value as tox makes text of it when a string names it (`{[env_run_base]commands}`). */
function asText(v: TomlValue): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (!Array.isArray(v)) return undefined;
  return v.map((i) => (Array.isArray(i) ? words(i).join(' ') : (asText(i) ?? TOX_UNKNOWN))).join('\n');
}

/** The `{…}` of strings in the table `at` looks up. */
function lookupIn(r: Reading, at: TomlTable, depth: number): ToxLookup {
  const base = tomlAt(r.root, ['env_run_base']);
  const text = (v: TomlValue | undefined) => {
    if (v === undefined) return undefined;
    const got = resolve(r, v, at, depth + 1);
    return got === undefined ? undefined : asText(got);
  };
  return {
    ref: (section, key) => {
      if (section === undefined) return text(at.get(key) ?? tomlAt(base, [key]) ?? r.root.get(key));
      const named = tomlAt(r.doc, [...section.split('.'), key]);
      return text(named ?? (/^(?:tool\.tox\.)?env\./.test(section) ? tomlAt(base, [key]) : undefined));
    },
    env: (name) => {
      for (const t of [at, base]) {
        const set = tomlAt(t, ['set_env']);
        const v = isTomlTable(set)
          ? set.get(name)
          : typeof set === 'string'
            ? setEnvValue(set, name)
            : undefined;
        if (typeof v === 'string') return v;
      }
      return undefined;
    },
  };
}

/** A value with tox's replacements put in; undefined when one does not resolve (recorded). */
function resolve(r: Reading, v: TomlValue, at: TomlTable, depth: number): TomlValue | undefined {
  r.budget.chars -= STEP_COST;
  if (depth > MAX_DEPTH || r.budget.chars < 0) {
    r.unresolved.add(
      depth > MAX_DEPTH ? 'references nested too deep' : 'references past what the gate reads',
    );
    return undefined;
  }
  if (typeof v === 'string') {
    const got = expandTox(v, lookupIn(r, at, depth), r.budget, r.pick);
    for (const u of got.unresolved) r.unresolved.add(u);
    return got.text;
  }
  if (Array.isArray(v)) {
    const out: TomlValue[] = [];
    for (const item of v) {
      if (r.budget.chars < 0) break;
      const got = resolve(r, item, at, depth + 1);
      if (got === undefined) continue;
      const spread = isTomlTable(item) && item.get('replace') !== undefined && item.get('extend') === true;
      if (spread && Array.isArray(got)) out.push(...got);
      else if (!spread || got !== '') out.push(got);
    }
    return out;
  }
  if (!isTomlTable(v)) return v;
  const type = v.get('replace');
  if (type === undefined) {
    const out: TomlTable = new Map();
    for (const [k, item] of v) out.set(k, resolve(r, item, at, depth + 1) ?? TOX_UNKNOWN);
    return out;
  }
  const fallback = (d: TomlValue | undefined) => (d === undefined ? undefined : resolve(r, d, at, depth + 1));
  switch (type) {
    case 'posargs':
      return fallback(v.get('default')) ?? [TOX_UNKNOWN];
    case 'env': {
      const name = v.get('name');
      const set = typeof name === 'string' ? lookupIn(r, at, depth).env(name) : undefined;
      return fallback(set ?? v.get('default')) ?? TOX_UNKNOWN;
    }
    case 'glob':
      return fallback(v.get('default')) ?? TOX_UNKNOWN;
    case 'if':
      return fallback(r.pick === 0 ? v.get('then') : (v.get('else') ?? '')) ?? TOX_UNKNOWN;
    case 'ref':
      return resolveRef(r, v, at, depth);
  }
  r.unresolved.add(`replace = ${JSON.stringify(type)}`);
  return undefined;
}

/** `{ replace = "ref", of = [...] }` (a path from the top of the file) or `{ …, env = "x", key = "k" }`. */
function resolveRef(r: Reading, v: TomlTable, at: TomlTable, depth: number): TomlValue | undefined {
  const of = v.get('of');
  if (Array.isArray(of) && of.length > 0 && of.every((k) => typeof k === 'string')) {
    const target = tomlAt(r.doc, of as string[]);
    if (target !== undefined) return resolve(r, target, at, depth + 1);
    r.unresolved.add(`ref of ${of.join('.')}`);
    return undefined;
  }
  const env = v.get('env');
  const key = v.get('key');
  if (typeof env === 'string' && typeof key === 'string') {
    const target = tomlAt(r.root, ['env', env, key]) ?? tomlAt(r.root, ['env_run_base', key]);
    // A value tox works out itself (`env_python`) is known at run time.
    return target === undefined ? TOX_UNKNOWN : resolve(r, target, at, depth + 1);
  }
  r.unresolved.add('ref without of, or env and key');
  return undefined;
}

/** The command values in `table` and the tables under it, read in place. */
function collect(r: Reading, table: TomlTable, out: Set<string>, depth = 0): void {
  if (depth > MAX_DEPTH) return;
  for (const [key, value] of table) {
    if (TOX_COMMAND_KEY.test(key)) {
      const got = resolve(r, value, table, 0);
      if (got !== undefined)
        for (const line of commandLines(got)) if (line !== '' && out.size < 1024) out.add(line);
    }
    const tables = Array.isArray(value) ? value.filter(isTomlTable) : isTomlTable(value) ? [value] : [];
    for (const t of tables) collect(r, t, out, depth + 1);
  }
}

/** Lists of strings anywhere in text that is not TOML as a whole (a piece of a file, a broken file), as commands. */
function listsIn(text: string): string[] {
  const out: string[] = [];
  // Each string then its comma: one way only to match, whatever the text (no backtracking blow-up).
  for (const m of text.matchAll(/\[\s*(?:(?:"(?:[^"\\\n]|\\.)*"|'[^'\n]*')\s*(?:,\s*)?)+\]/g)) {
    const list = parseToml(`x = ${m[0]}`)?.get('x');
    if (Array.isArray(list)) out.push(...commandLines(list));
    if (out.length >= 256) break;
  }
  return out;
}

/** What a reading of text that is not TOML says does not resolve. */
export const NOT_TOML = 'the file does not read as TOML';

/**
 * The commands of tox's TOML configuration, and what in them does not resolve; undefined for a pyproject.toml
 * without a `tool.tox` (not tox's). `pyproject`: the text is a pyproject.toml; `whole`: the text is the whole
 * file, not a piece of one.
 */
export function readToxToml(text: string, pyproject: boolean, whole: boolean): ToxReading | undefined {
  const budget = toxBudget();
  // A piece of a file may be lines of a list of commands.
  const doc = parseToml(text) ?? (whole ? undefined : parseToml(`commands = [\n${text}\n]`));
  if (!doc) return { commands: listsIn(text), unresolved: [NOT_TOML] };
  const root = pyproject && whole ? tomlAt(doc, ['tool', 'tox']) : doc;
  if (!isTomlTable(root)) return undefined;
  const commands = new Set<string>();
  const unresolved = new Set<string>();
  const legacy = root.get('legacy_tox_ini');
  if (typeof legacy === 'string') {
    const ini = readToxIni(legacy, budget);
    for (const c of ini.commands) commands.add(c);
    for (const u of ini.unresolved) unresolved.add(u);
  }
  for (const pick of [0, 1] as const) collect({ doc, root, budget, pick, unresolved }, root, commands);
  return { commands: [...commands], unresolved: [...unresolved] };
}
