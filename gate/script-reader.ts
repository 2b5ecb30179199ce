import { MAX_ANALYSED_CHARS } from './analysis/index.js';
import type { ReadText } from './written-scripts.js';

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
