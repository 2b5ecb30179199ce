import { splitClusters } from './call.js';
import LONG_OPTIONS from './long-options.json' with { type: 'json' };
import { GIT_TAKES_VALUE } from './programs/git-invocation.js';

/**
 * Most command-line parsers take any prefix of a long option that names no other for the whole of it: glibc's
 * getopt_long and argp (`sort --out F`, `tar --to-comm=CMD`, `sed --in-pl`), curl (`--upload-fi`), git's
 * parse-options (`git rebase --exe CMD`). The gate's tables name the full spellings, so the arguments of every
 * such program are spelled out first and each table and handler sees the option whatever was typed. An ambiguous
 * prefix is left as it is (the parser refuses it and the program does not run). Which programs take prefixes and
 * their options come from the programs themselves (long-options.json, scripts/long-options.mjs); gawk, not
 * installed where that ran, is listed here from its manual.
 *
 * A short option's value may also be glued to a cluster of flags (`sort -uoF`): for the programs in SPECS the
 * cluster is split.
 */
interface GnuSpec {
  /** Short options that take a value. */
  valued: string;
}

/** gawk 5's long options (The GNU Awk User's Guide, "Command-Line Options"). */
const GAWK = [
  ...['assign', 'characters-as-bytes', 'traditional', 'copyright', 'debug', 'dump-variables', 'exec'],
  ...['field-separator', 'file', 'gen-pot', 'help', 'include', 'csv', 'load', 'lint', 'bignum'],
  ...['use-lc-numeric', 'non-decimal-data', 'optimize', 'no-optimize', 'profile', 'posix', 'pretty-print'],
  ...['re-interval', 'sandbox', 'source', 'trace', 'lint-old', 'version', 'persist'],
];

/**
 * Other names of the same programs: `awk` is gawk on many systems (mawk, Debian's, takes no such options and
 * refuses them); GNU tar and sed where the system's own are BSD's.
 */
const PROGRAMS: Readonly<Record<string, readonly string[]>> = {
  ...LONG_OPTIONS.programs,
  gawk: GAWK,
  awk: GAWK,
  ...(LONG_OPTIONS.programs.tar ? { gtar: LONG_OPTIONS.programs.tar } : {}),
  ...(LONG_OPTIONS.programs.sed ? { gsed: LONG_OPTIONS.programs.sed } : {}),
};
const GIT: Readonly<Record<string, readonly string[]>> = LONG_OPTIONS.git;

const SPECS: Readonly<Record<string, GnuSpec>> = {
  sort: { valued: 'ktSTo' },
  shuf: { valued: 'ino' },
  uniq: { valued: 'fsw' },
  iconv: { valued: 'fto' },
};

/** The long option `name` (no dashes) stands for: itself, the one long option it begins, or itself if several. */
function longName(name: string, long: readonly string[]): string {
  if (long.includes(name)) return name;
  const matches = long.filter((l) => l.startsWith(name));
  return matches.length === 1 ? (matches[0] as string) : name;
}

/** Each `--prefix[=value]` of `args` before `--` spelled out against `long`. */
function spellOut(args: readonly string[], long: readonly string[]): string[] {
  const out: string[] = [];
  let end = false;
  for (const a of args) {
    if (!end && a === '--') end = true;
    const m = !end && a.length > 2 ? /^--([^=]+)(=.*)?$/s.exec(a) : null;
    out.push(m ? `--${longName(m[1] as string, long)}${m[2] ?? ''}` : a);
  }
  return out;
}

/** git's arguments with the command's options spelled out (git's own options before it take no prefixes). */
function gitArgs(args: string[]): string[] {
  let i = 0;
  while (i < args.length && (args[i] as string).startsWith('-') && args[i] !== '--')
    i += GIT_TAKES_VALUE.has(args[i] as string) ? 2 : 1;
  const long = GIT[args[i] ?? ''];
  return long ? [...args.slice(0, i + 1), ...spellOut(args.slice(i + 1), long)] : args;
}

/** `args` of program `name` spelled out as described above (unchanged for a program that takes no prefixes). */
export function gnuArgs(name: string, args: string[]): string[] {
  if (name === 'git') return gitArgs(args);
  const long = Object.hasOwn(PROGRAMS, name) ? PROGRAMS[name] : undefined;
  const spelled = long ? spellOut(args, long) : args;
  const spec = Object.hasOwn(SPECS, name) ? SPECS[name] : undefined;
  return spec ? splitClusters(spelled, spec.valued) : spelled;
}
