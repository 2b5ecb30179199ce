/**
 * `tox`: the commands of the configuration tox finds, read as it is now (the caller's reader). tox looks in the
 * working directory, then each directory above it, for tox.ini, setup.cfg with a `[tox:tox]` section,
 * pyproject.toml with a `[tool.tox]` table (native, or `legacy_tox_ini`) and tox.toml, and takes the first it
 * finds; the gate reads every one of them in every directory up the tree, so that a file tox takes is never
 * passed over for one the gate took it to prefer. `-c` names the file or the directory. A substitution the file does not
 * resolve, or a TOML file the gate cannot read, asks.
 */
import { posix } from 'node:path';
import { type Call, optionValue } from '../call.js';
import { report } from '../context.js';
import { classifyPath } from '../paths.js';
import { UNKNOWN } from '../script.js';
import { reportRun } from '../script-written.js';
import { readToxIni, type ToxReading } from '../tox-commands.js';
import { NOT_TOML, readToxToml } from '../tox-toml.js';

/** How many directories above the working directory tox's search is followed. */
const MAX_LEVELS = 32;

/** The reading of one of the files tox looks for, undefined when that file is not a tox configuration. */
const FOUND: Record<string, (text: string) => ToxReading | undefined> = {
  'tox.ini': (text) => readToxIni(text),
  // tox takes setup.cfg with a `[tox:tox]`; one with only `[testenv…]` is read too, rather than miss a spelling.
  'setup.cfg': (text) => (/^[ \t]*\[(?:tox:tox|testenv)\b/m.test(text) ? readToxIni(text) : undefined),
  'pyproject.toml': (text) => readToxToml(text, true, true),
  'tox.toml': (text) => readToxToml(text, false, true),
};

/** A file `-c` names: INI whatever its name (tox tries each kind on a name it does not know), and TOML too. */
function readNamed(path: string, text: string): ToxReading {
  const name = posix.basename(path);
  const known = FOUND[name];
  if (known) return known(text) ?? { commands: [], unresolved: [] };
  const ini = readToxIni(text);
  const toml = readToxToml(text, false, true);
  if (!toml || (toml.unresolved.includes(NOT_TOML) && !/\.toml$/i.test(name))) return ini;
  return {
    commands: [...ini.commands, ...toml.commands],
    unresolved: [...ini.unresolved, ...toml.unresolved],
  };
}

/** Reports what running the configuration at `path` would do. */
function judge(c: Call, path: string, reading: ToxReading): void {
  reportRun(c, path, path, reading.commands);
  if (reading.unresolved.length > 0)
    report(
      c.ctx,
      'exec.script-run-ask',
      `${path} run by ${c.name}: cannot be read in full (${reading.unresolved.slice(0, 3).join('; ')})`,
    );
}

/** Judges the tox files of one directory. */
function judgeDirectory(c: Call, dir: string, read: (path: string) => string | undefined): void {
  for (const [name, reading] of Object.entries(FOUND)) {
    const path = dir === '/' ? `/${name}` : `${dir}/${name}`;
    const text = read(path);
    const got = text === undefined ? undefined : reading(text);
    if (got) judge(c, path, got);
  }
}

/** The handler of `tox`. */
export function runTox(c: Call): void {
  const readScript = c.ctx.readScript;
  if (!readScript) return;
  const read = (path: string) => c.ctx.written?.get(path) ?? readScript(path);
  const named = optionValue(c.args, ['-c', '--conf']);
  const root = optionValue(c.args, ['--root']);
  if (named?.includes(UNKNOWN) || root?.includes(UNKNOWN)) return;
  const where = { workspace: c.ctx.workspace, cwd: c.cwd };
  if (named !== undefined) {
    const path = classifyPath(named, where).path;
    const text = read(path);
    if (text !== undefined) judge(c, path, readNamed(path, text));
    else judgeDirectory(c, path, read);
    return;
  }
  let dir = classifyPath(root ?? '.', where).path;
  for (let level = 0; level <= MAX_LEVELS; level++) {
    judgeDirectory(c, dir, read);
    const up = posix.dirname(dir);
    if (up === dir) return;
    dir = up;
  }
}
