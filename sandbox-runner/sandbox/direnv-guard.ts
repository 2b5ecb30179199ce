import { statSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import { readRegularText } from './regular-file.js';

/** direnv's stdlib calls that load another file into the user's shell, and the file each loads without an argument. */
const LOADERS: Record<string, string | undefined> = {
  source_env: undefined,
  source_env_if_exists: undefined,
  dotenv: '.env',
  dotenv_if_exists: '.env',
  source: undefined,
  '.': undefined,
};
const MAX_FILES = 64;

function within(child: string, parent: string): boolean {
  return child === parent || child.startsWith(parent.endsWith(sep) ? parent : parent + sep);
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** One shell word without its quotes, with `$PWD/` (what direnv runs the file in) resolved; undefined if unknowable. */
function plainWord(word: string): string | undefined {
  const unquoted = word.replace(/^(['"])(.*)\1$/, '$2');
  const path = unquoted.replace(/^(\$PWD|\$\{PWD\})(\/|$)/, './');
  return /[$`*?[\]{}~]/.test(path) ? undefined : path;
}

/**
 * Files inside `root` that its `.envrc` loads (source_env, dotenv, source… and their _if_exists forms).
 * direnv asks `direnv allow` for the `.envrc` alone, by its content: what it sources runs in the user's
 * shell on the next `cd` into the project, unasked, whatever the sandbox wrote there. A file named through a
 * variable or a command substitution is not followed.
 */
export function direnvLoadedFiles(root: string): string[] {
  const text = readRegularText(join(root, '.envrc'));
  if (typeof text !== 'string') return [];
  const out = new Set<string>();
  for (const raw of text.split('\n')) {
    // Each simple command of the line (`a && b; c`), comments cut.
    for (const command of raw.replace(/(^|\s)#.*$/, '').split(/&&|\|\||;/)) {
      const [name, ...args] = command.trim().split(/\s+/);
      if (name === undefined || !(name in LOADERS)) continue;
      const named = args.filter((a) => !a.startsWith('-')).slice(0, 1);
      const defaulted = LOADERS[name];
      for (const word of named.length > 0 ? named : defaulted ? [defaulted] : []) {
        const plain = plainWord(word);
        if (plain === undefined) continue;
        let path = resolve(root, plain);
        // source_env DIR loads DIR/.envrc.
        if (name.startsWith('source_env') && isDirectory(path)) path = join(path, '.envrc');
        if (within(path, root) && path !== root) out.add(path);
      }
    }
    if (out.size >= MAX_FILES) break;
  }
  return [...out];
}
