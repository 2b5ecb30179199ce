/**
 * The entries of a package manager's config text, read as the managers read their files whatever the spelling:
 * npm's ini (a key in quotes, a double-quoted key's JSON escapes, `${VAR}` filled into a key), yarn 1's
 * `key "value"`, YAML (pnpm-workspace.yaml, .yarnrc.yml: a flow mapping, a tag, an anchor, an explicit or an
 * escaped key) and TOML (bunfig.toml: a section's key, a dotted or quoted key, an inline table); and which of
 * them make the manager run a program later. Keys are compared without case, `-` or `_`: pnpm camel-cases the
 * keys it reads (`script_shell` and `scriptShell` are its `script-shell`), and bun's `test.preload` is a
 * `preload`.
 */
import { plainKeys, yamlUnescape } from './yaml-keys.js';

/**
 * Keys whose value is a program the manager runs or code it loads, whatever the value: the shell of every
 * package script (npm, pnpm and yarn 1 `script-shell`), Node's options for scripts, npm's node-gyp, help
 * viewer, editor, browser, git and `npm init` module, yarn's own code (`yarnPath`), plugins and environment
 * files, pnpm's hooks file (`pnpmfile`, `globalPnpmfile`) and npm (`npmPath`), bun's preloaded modules
 * (`preload`, `[test] preload`) and install scanner, cargo's wrappers and runners, another config file
 * (`userconfig`, yarn's `YARN_RC_FILENAME`), a source replaced.
 */
const PROGRAM_KEYS = new Set([
  'scriptshell',
  'shell',
  'git',
  'editor',
  'browser',
  'viewer',
  'nodeoptions',
  'nodegyp',
  'onloadscript',
  'initmodule',
  'yarnpath',
  'plugin',
  'plugins',
  'injectenvironmentfiles',
  'pnpmfile',
  'globalpnpmfile',
  'npmpath',
  'preload',
  'scanner',
  'rustcwrapper',
  'runner',
  'replacewith',
  'globalconfig',
  'userconfig',
  'rcfilename',
]);
/** Keys that, on, let every dependency's install scripts run past the manager's allow-list (pnpm, npm 11). */
const ALLOWS_ALL_SCRIPTS = new Set(['dangerouslyallowallbuilds', 'dangerouslyallowallscripts']);
const OFF = /^(?:false|0|no|off|null|~|)$/i;
/** A standard shell, which runs package scripts as they are read (`script-shell=/bin/bash`). */
const STANDARD_SHELL = /^(?:(?:\/usr)?\/bin\/)?(?:ba|da|z|k)?sh$/;
/** bun's `[run] shell`: its own shell or the system's, the only two it takes. */
const BUN_SHELL = /^(?:bun|system)$/;

/** One key of the text: its parts (a dotted key's, unquoted and unescaped) and its value as written. */
export interface ConfigEntry {
  key: string;
  value: string;
}

/** A quoted key (a key is short: bounded, so a line of quotes is read in linear time). */
const QUOTED = String.raw`"(?:[^"\\\n]|\\.){0,256}"|'[^'\n]{0,256}'`;
/** A bare part of a key (no dot: one way to split a dotted key), `${VAR}` whole; in `key: value` no colon. */
const bare = (colon: boolean) => String.raw`(?:\$\{[^}\n]*\}|[^\s"'=\[\]{},;#.${colon ? ':' : ''}])+`;
const keyOf = (colon: boolean) =>
  String.raw`(?:${QUOTED}|${bare(colon)})(?:\s*\.\s*(?:${QUOTED}|${bare(colon)}))*`;
/** `key = value` (ini, TOML; `key[]=` an ini array). */
const EQUALS = new RegExp(String.raw`^\s*(${keyOf(true)})\s*(?:\[\]\s*)?=(.*)$`);
/** `key: value` (YAML, a list item's too), `"key":value` (a flow mapping), `key "value"` (yarn 1). */
const COLON = new RegExp(
  String.raw`^\s*(?:-\s+)?(${keyOf(false)})(?:\s*:(?=\s|$|(?<=["']\s*:))|\s+(?=\S))(.*)$`,
);
const PART = new RegExp(`${QUOTED}|${bare(true)}`, 'g');

/** A dotted key's parts joined by dots, each unquoted, a double-quoted one's escapes read (JSON, TOML, YAML). */
function keyText(raw: string): string {
  return [...raw.matchAll(PART)]
    .map(([p]) => (p.startsWith('"') ? yamlUnescape(p.slice(1, -1)) : p.startsWith("'") ? p.slice(1, -1) : p))
    .join('.');
}

/**
 * The entries of one line: the line's own, then one at each `{` or `,` (an inline table, a flow mapping), whose
 * value runs to the next of them.
 */
function lineEntries(line: string): ConfigEntry[] {
  const out: ConfigEntry[] = [];
  line.split(/(?<!\$)\{|,/).forEach((piece, i) => {
    const m = EQUALS.exec(i === 0 ? line : piece) ?? COLON.exec(i === 0 ? line : piece);
    const value = (m?.[2] ?? '').trim();
    if (m) out.push({ key: keyText(m[1] ?? ''), value: i === 0 ? value : value.replace(/\s*[}\]]+$/, '') });
  });
  return out;
}

/** How many lines of config text are read: a manager reads them all, so text past them is judged unread. */
export const MAX_CONFIG_LINES = 4096;

/** The entries of config text, line by line (the first MAX_CONFIG_LINES), its YAML keys written plainly first. */
export function configEntries(text: string): ConfigEntry[][] {
  return plainKeys(text).split(/\r?\n/).slice(0, MAX_CONFIG_LINES).map(lineEntries);
}

/**
 * True when `key` set to `value` makes the manager run a program later: a program key whatever its value but a
 * standard shell, an allow-all switch turned on, or a key built from the environment when it is read (npm fills
 * `${VAR}` into keys: `script-${X}` is whatever X holds); a registry's own (`//host/:_authToken`) aside.
 */
export function runsProgram(key: string, value: string): boolean {
  if (key.includes('${') && !/^(?:\/\/|@)/.test(key)) return true;
  const name = key
    .slice(key.lastIndexOf('.') + 1)
    .replace(/[-_]/g, '')
    .toLowerCase();
  const v = value.trim().replace(/^(["'])(.*)\1$/, '$2');
  if (ALLOWS_ALL_SCRIPTS.has(name)) return !OFF.test(v);
  if (!PROGRAM_KEYS.has(name)) return false;
  if (name === 'scriptshell' || name === 'shell')
    return !STANDARD_SHELL.test(v) && !(name === 'shell' && BUN_SHELL.test(v));
  return true;
}
