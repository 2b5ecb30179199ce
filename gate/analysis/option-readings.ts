/**
 * A program's words read as the program reads them, given which of its options take a value (from the program's
 * documentation, kept as data beside the program's model): `--region eu-west-1`, `--region=eu-west-1`, `-u p`
 * and `-up` each hide one word from the operands, a plain flag hides none. An option the table does not know
 * may be either: the word after it is read both ways (`either`), and the caller judges both readings and
 * takes the riskier. One option decides about one word only, so the readings never multiply.
 */

/** The options of one program or subcommand: those that take a value, and plain flags. */
export interface OptionTable {
  valued: ReadonlySet<string>;
  flags: ReadonlySet<string>;
}

/** An option table from space-separated names (`'--profile --region -u'`, `'--recursive -r'`). */
export function optionTable(valued: string, flags = ''): OptionTable {
  const names = (s: string) => new Set(s.split(/\s+/).filter((w) => w !== ''));
  return { valued: names(valued), flags: names(flags) };
}

/**
 * What a word that is not an option is: an operand, an option's value, or either (after an option the table does
 * not know, or an optional value).
 */
export type Role = 'operand' | 'value' | 'either';

export interface ReadWord {
  word: string;
  role: Role;
  /** Index of the argument it came from (a value given as `--opt=v` or `-ov` shares its option's index). */
  at: number;
  /** The option it is (or may be) the value of. */
  option?: string;
}

export interface ReadOptions {
  /** Options end at the first operand, as with POSIX getopt (`gsutil cp -r SRC DST`: a later `-x` is an operand). */
  stopAtOperand?: boolean;
  /** Index of the first argument to read. */
  from?: number;
}

type Kind = 'valued' | 'flag' | 'unknown';

function kindOf(name: string, tables: readonly OptionTable[]): Kind {
  if (tables.some((t) => t.valued.has(name))) return 'valued';
  if (tables.some((t) => t.flags.has(name))) return 'flag';
  return 'unknown';
}

/**
 * Reads `args` from `o.from` on: every word that is not an option, with its role. Options themselves are left
 * out; a value written into its option's word (`--acl=public-read`, `-zjs`) is a `value` at that index.
 */
export function readWords(
  args: readonly string[],
  tables: readonly OptionTable[],
  o: ReadOptions = {},
): ReadWord[] {
  const out: ReadWord[] = [];
  let ended = false;
  for (let i = o.from ?? 0; i < args.length; i++) {
    const a = args[i] ?? '';
    if (ended || !a.startsWith('-') || a === '-') {
      out.push({ word: a, role: 'operand', at: i });
      if (o.stopAtOperand) ended = true;
      continue;
    }
    if (a === '--') {
      ended = true;
      continue;
    }
    // The word after this option: none (a flag, or a value given in the same word), its value, or either.
    let next: Role | undefined;
    let option = a;
    const eq = a.indexOf('=');
    if (a.startsWith('--') || tables.some((t) => t.valued.has(a) || t.flags.has(a))) {
      if (a.startsWith('--') && eq > 0) {
        option = a.slice(0, eq);
        out.push({ word: a.slice(eq + 1), role: 'value', at: i, option });
      } else {
        const kind = kindOf(a, tables);
        next = kind === 'valued' ? 'value' : kind === 'unknown' ? 'either' : undefined;
      }
    } else {
      // A cluster of one-letter options (`-rn`, `-ajs`): a letter that takes a value ends it, the rest of the
      // word (or else the next word) being its value; an unknown letter leaves the next word either way.
      for (let j = 1; j < a.length; j++) {
        option = `-${a[j]}`;
        const kind = kindOf(option, tables);
        if (kind === 'flag') continue;
        if (kind === 'valued' && j + 1 < a.length)
          out.push({ word: a.slice(j + 1), role: 'value', at: i, option });
        else next = kind === 'valued' ? 'value' : 'either';
        break;
      }
    }
    const following = args[i + 1];
    if (next === undefined || following === undefined) continue;
    if (next === 'either' && following.startsWith('-') && following !== '-') continue;
    out.push({ word: following, role: next, at: i + 1, option });
    i++;
  }
  return out;
}

/** True when the word can be an operand in some reading. */
export const canBeOperand = (w: ReadWord): boolean => w.role !== 'value';

/**
 * Finds a subcommand path (`s3 cp`, `storage blob upload`) among the words: each part matches the next word that
 * can be an operand, a word that may be an option's value being skipped as one (the riskier reading: the
 * command is the copy). Returns the index of the argument after the path, or -1.
 */
export function matchPath(words: readonly ReadWord[], path: readonly RegExp[]): number {
  let k = 0;
  for (const w of words) {
    if (!canBeOperand(w)) continue;
    if (path[k]?.test(w.word)) {
      k++;
      if (k === path.length) return w.at + 1;
    } else if (w.role === 'operand') return -1;
  }
  return -1;
}
