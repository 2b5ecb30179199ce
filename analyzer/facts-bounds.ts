/**
 * What one command's facts keep of its hosts, words and paths (analyzer/facts.ts). The bounds hold the analyzer's
 * memory whatever an agent sends; an agent that knows them puts its real step past them, so each keeps first what
 * is most likely to matter, and says when it dropped anything (`CommandFacts.cut`): the detectors that read a cut
 * list take what it lacks as unknown, not as absent.
 */
import { hostMatches, isRemoteHost } from '../gate/index.js';

/** A list of a command's facts that can hold less than the command named. */
export type FactsList = 'hosts' | 'argv' | 'paths' | 'sending';

/** Hosts one command's facts keep. */
export const MAX_HOSTS = 64;
/** Words one command's facts keep (and the budget's characters). */
export const MAX_WORDS = 512;
/** Paths one command's facts keep (and the budget's characters). */
export const MAX_PATHS = 256;
/** Programs that reach other machines one command's facts keep. */
export const MAX_SENDING = 16;

/**
 * The word put where a command's words were cut, after the last kept word of each simple command that lost some,
 * with how many of its words come before it (`…[words cut after 3]`): a reader of the words (an install's package
 * list) knows which command goes on unread (the words are every command's, one after another).
 */
const WORDS_CUT = /^…\[words cut after (\d+)\]$/;
const wordsCut = (kept: number) => `…[words cut after ${kept}]`;
/** The longest such word (a command keeps fewer than 10,000 words). */
const WORDS_CUT_CHARS = wordsCut(9999).length;

/** Where the command whose words were cut at `argv[at]` starts in `argv`, or undefined if no words were cut there. */
export function cutCommandStart(argv: readonly string[], at: number): number | undefined {
  const m = WORDS_CUT.exec(argv[at] ?? '');
  return m ? at - Number(m[1]) : undefined;
}

/**
 * Characters a command's words, or its paths, may hold in its facts: about twice the command. Relative paths are
 * made whole against the working directory, so 256 short names in a 4,000-character directory were a million
 * characters of facts per event (an attacker's flood of them took `ward serve` past 3 GiB). The findings (tags)
 * are made from every path, whatever is kept here.
 */
export const factsBudget = (text: string) => 2 * text.length + 8_192;

/** The first items, at most `max` of them and `budget` characters in all. */
export function within<T>(items: readonly T[], max: number, budget: number, chars: (t: T) => number): T[] {
  const out: T[] = [];
  let used = 0;
  for (const item of items) {
    used += chars(item);
    if (out.length >= max || used > budget) break;
    out.push(item);
  }
  return out;
}

/** The items ordered by rank (lowest first), in their order within a rank. */
function byRank<T>(items: readonly T[], rank: (t: T) => number): T[] {
  return items
    .map((item, i) => ({ item, i, r: rank(item) }))
    .sort((a, b) => a.r - b.r || a.i - b.i)
    .map((x) => x.item);
}

/**
 * The hosts, each once, lowercased: all of them when they fit, else first those off the private network that no
 * allow rule names (where data would go that policy does not expect), then other remote ones, then local ones.
 */
export function keptHosts(
  hosts: readonly string[],
  allow: readonly string[],
): { hosts: string[]; cut: boolean } {
  const all = [...new Set(hosts.map((h) => h.toLowerCase()))];
  if (all.length <= MAX_HOSTS) return { hosts: all, cut: false };
  const rank = (h: string) => (!isRemoteHost(h) ? 2 : allow.some((p) => hostMatches(h, p)) ? 1 : 0);
  return { hosts: byRank(all, rank).slice(0, MAX_HOSTS), cut: true };
}

/**
 * The words of each simple command, in order: all of them when they fit (MAX_WORDS and the budget), else each
 * command's first words, a fair share each (padding in one command does not push the next one's out), with a
 * marker after the words of a command that lost some (`cutCommandStart`). A command past the share of any is left out whole.
 */
export function keptWords(
  argvs: readonly (readonly string[])[],
  budget: number,
): { argv: string[]; cut: boolean } {
  let words = 0;
  let chars = 0;
  for (const argv of argvs) {
    words += argv.length;
    for (const w of argv) chars += w.length;
  }
  if (words <= MAX_WORDS && chars <= budget) return { argv: argvs.flat(), cut: false };
  // Round by round, one more word of each command that has one, while the bounds allow; a command's first word
  // also holds room for the marker after its last.
  const take = argvs.map(() => 0);
  let used = 0;
  let count = 0;
  for (let round = 0, more = true; more; round++) {
    more = false;
    for (let i = 0; i < argvs.length; i++) {
      const argv = argvs[i] as readonly string[];
      if (argv.length <= round) continue;
      const w = argv[round] as string;
      const words = round === 0 ? 2 : 1;
      const wordChars = w.length + (round === 0 ? WORDS_CUT_CHARS : 0);
      if (count + words > MAX_WORDS || used + wordChars > budget) {
        more = false;
        break;
      }
      take[i] = round + 1;
      count += words;
      used += wordChars;
      more = true;
    }
  }
  const out: string[] = [];
  argvs.forEach((argv, i) => {
    const n = take[i] as number;
    if (n === 0) return;
    out.push(...argv.slice(0, n));
    if (n < argv.length) out.push(wordsCut(n));
  });
  return { argv: out, cut: true };
}

interface FactPath {
  path: string;
  access: 'read' | 'write';
  ran?: true;
}

/**
 * The paths, as found when they fit (MAX_PATHS and the budget); else first those outside the working directory
 * (`~/.ssh/id_rsa`, `/etc/…`) or hidden in it (`.env`, `.git/hooks/…`), then what is written, then the rest,
 * shortest first within each, so that what a long working directory made long goes after a path named outright.
 */
export function keptPaths(
  paths: readonly FactPath[],
  workspace: string,
  budget: number,
): { paths: FactPath[]; cut: boolean } {
  let chars = 0;
  for (const p of paths) chars += p.path.length;
  if (paths.length <= MAX_PATHS && chars <= budget) return { paths: [...paths], cut: false };
  const inside = (p: string) => p === workspace || p.startsWith(`${workspace}/`);
  const rank = (p: FactPath) => {
    if (!inside(p.path) || p.path.slice(workspace.length).includes('/.')) return 0;
    return p.access === 'write' ? 1 : 2;
  };
  const ordered = [...paths].sort((a, b) => rank(a) - rank(b) || a.path.length - b.path.length);
  return { paths: within(ordered, MAX_PATHS, budget, (p) => p.path.length), cut: true };
}
