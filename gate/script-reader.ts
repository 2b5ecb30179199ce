import { MAX_ANALYSED_CHARS } from './analysis/index.js';
import type { ListDir, ReadText } from './written-scripts.js';

/**
 * The reader one decision gives its shell analysis for the scripts a command runs (`sh x`, `. x`, `./x`): `~`
 * is the agent's home, each file is read once, and all of them together at most as much as the gate analyses
 * in one command. A file past that bound, or unreadable, is unseen (undefined), as without a reader.
 */
export function scriptReader(readText: ReadText, home: string): (path: string) => string | undefined {
  const seen = new Map<string, string | undefined>();
  let left = MAX_ANALYSED_CHARS;
  return (path) => {
    if (seen.has(path)) return seen.get(path);
    const real = path === '~' || path.startsWith('~/') ? `${home}${path.slice(1)}` : path;
    const text = real.startsWith('/') && left > 0 ? readText(real, left + 1) : undefined;
    const kept = text !== undefined && text.length <= left ? text : undefined;
    if (kept !== undefined) left -= kept.length;
    seen.set(path, kept);
    return kept;
  };
}

/** The most directories one decision lists, and the most entries it takes of each. */
const MAX_LISTED_DIRS = 256;
const MAX_ENTRIES = 1024;

/**
 * The lister one decision gives its analysis for the files a build tool finds by a pattern: `~` is the agent's
 * home, each directory is listed once, at most MAX_LISTED_DIRS of them and MAX_ENTRIES entries of each (a
 * directory past that reads as unlistable: its files are unknown).
 */
export function dirLister(list: ListDir, home: string): ListDir {
  const seen = new Map<string, string[] | undefined>();
  return (dir) => {
    if (seen.has(dir)) return seen.get(dir);
    const real = dir === '~' || dir.startsWith('~/') ? `${home}${dir.slice(1)}` : dir;
    const names = real.startsWith('/') && seen.size < MAX_LISTED_DIRS ? list(real) : undefined;
    const kept = names && names.length <= MAX_ENTRIES ? names : undefined;
    seen.set(dir, kept);
    return kept;
  };
}
