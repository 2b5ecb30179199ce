/**
 * The command lines of a tox INI file (tox.ini, setup.cfg, pyproject.toml's `legacy_tox_ini`): `commands`,
 * `commands_pre`, `commands_post`, `extra_setup_commands`, the templates tox fills in to install
 * (`install_command`, `list_dependencies_command`) and a plugin's `…_commands`, in any section (one command a
 * line, a line's continuations indented under it), with tox's substitutions put in (tox-substitution.ts: a
 * command may be another section's value, `{[base]cmd}`). tox splits each into words and runs it without a
 * shell, so reading it as a shell line reads at least what it runs (`bash -c '…'` is a shell again).
 */
import { logicalLines } from './make-commands.js';
import { expandTox, TOX_UNKNOWN, type ToxBudget, type ToxLookup, toxBudget } from './tox-substitution.js';

/** Keys whose value is commands tox runs: its own and a plugin's (`create_with_ext_commands`). */
export const TOX_COMMAND_KEY = /(?:^|_)commands?(?:_|$)/i;
/** A line tox runs only in some environments (`py312: pytest`, `!lint,docs: x`): it runs in some. */
const FACTORS = /^(?:\{[^{}\s]*\}|[\w.!,\uE000-])+:\s+/;

/** What a tox file's commands are, and the substitutions in them the file does not resolve. */
export interface ToxReading {
  commands: string[];
  unresolved: string[];
}

/** A line as the shell gets it: what only the run knows is an unknown word, a leading `-` or `!` dropped. */
export function toxLineToShell(line: string): string {
  return line
    .trim()
    .replace(FACTORS, '')
    .replaceAll(TOX_UNKNOWN, `\${TOX_VALUE}`)
    .replace(/^[-!]+\s*/, '');
}

/** The sections of INI text: each key's value, its continuation lines joined by newlines. */
function iniSections(text: string): Map<string, Map<string, string>> {
  const sections = new Map<string, Map<string, string>>();
  let values = new Map<string, string>();
  sections.set('', values);
  let key: string | undefined;
  for (const line of logicalLines(text)) {
    if (/^\s*(?:[#;]|$)/.test(line)) continue;
    const header = /^\[([^\]]*)\]/.exec(line);
    if (header) {
      const name = (header[1] ?? '').trim();
      values = sections.get(name) ?? new Map();
      sections.set(name, values);
      key = undefined;
      continue;
    }
    // As configparser reads it: a line at the margin is a key up to its first `=` or `:`.
    const delimiter = /^\S/.test(line) ? line.search(/[=:]/) : -1;
    if (delimiter > 0) {
      key = line.slice(0, delimiter).trim();
      values.set(key, line.slice(delimiter + 1).trim());
    } else if (key !== undefined) values.set(key, `${values.get(key) ?? ''}\n${line.trim()}`);
  }
  return sections;
}

/** A key of a section, as written or in another case (configparser's keys are not case-sensitive). */
function keyOf(values: Map<string, string> | undefined, key: string): string | undefined {
  if (!values) return undefined;
  const exact = values.get(key);
  if (exact !== undefined) return exact;
  const lower = key.toLowerCase();
  for (const [k, v] of values) if (k.toLowerCase() === lower) return v;
  return undefined;
}

/** What a `set_env` value gives each variable (`X = v` a line). */
export function setEnvValue(setEnv: string | undefined, name: string): string | undefined {
  for (const line of (setEnv ?? '').split('\n')) {
    const m = /^\s*([^=\s]+)\s*=\s*(.*)$/.exec(line);
    if (m?.[1] === name) return m[2];
  }
  return undefined;
}

/** Lookups in the file for the values of one section. */
function lookupIn(sections: Map<string, Map<string, string>>, section: string): ToxLookup {
  const own = sections.get(section);
  const base = sections.get('testenv');
  return {
    ref: (named, key) => {
      if (named === undefined) return keyOf(own, key) ?? keyOf(base, key);
      const v = keyOf(sections.get(named), key);
      return v ?? (named.startsWith('testenv:') ? keyOf(base, key) : undefined);
    },
    env: (name) =>
      setEnvValue(keyOf(own, 'set_env') ?? keyOf(own, 'setenv'), name) ??
      setEnvValue(keyOf(base, 'set_env') ?? keyOf(base, 'setenv'), name),
  };
}

/** The commands of tox INI text, whole or a piece of it, and what in them the file does not resolve. */
export function readToxIni(text: string, budget: ToxBudget = toxBudget()): ToxReading {
  const sections = iniSections(text);
  const commands = new Set<string>();
  const unresolved = new Set<string>();
  for (const [name, values] of sections) {
    const look = lookupIn(sections, name);
    for (const [key, value] of values) {
      if (!TOX_COMMAND_KEY.test(key)) continue;
      // The factors of a line are taken off before its substitutions too: `py{311,312}: x` runs x.
      const lines = value
        .split('\n')
        .map((l) => l.replace(FACTORS, ''))
        .join('\n');
      // Both outcomes of what only the run decides (`{tty:a:b}`).
      for (const pick of [0, 1] as const) {
        const got = expandTox(lines, look, budget, pick);
        for (const u of got.unresolved) unresolved.add(u);
        for (const line of got.text.split('\n')) {
          const command = toxLineToShell(line);
          if (command !== '' && commands.size < 1024) commands.add(command);
        }
      }
    }
  }
  return { commands: [...commands], unresolved: [...unresolved] };
}

/** The commands of tox INI text, whole or a piece of it. */
export function toxCommands(text: string): string[] {
  return readToxIni(text).commands;
}
