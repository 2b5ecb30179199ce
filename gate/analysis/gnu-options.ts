import { splitClusters } from './call.js';

/**
 * GNU programs read their options with getopt_long: a long option may be any prefix of its name that names no
 * other (`sort --out F`, `--outp=F`, `--o=F` are `--output`), and a short option's value may be glued to a
 * cluster of flags (`sort -uoF`). The gate's tables name the full spellings; the arguments of these programs are
 * spelled out first, so every table and handler sees `--output F` whatever was typed. An ambiguous prefix is left
 * as it is (getopt refuses it and the program does not run).
 */
interface GnuSpec {
  /** Every long option, without the dashes. */
  long: readonly string[];
  /** Short options that take a value. */
  valued: string;
}

const SPECS: Readonly<Record<string, GnuSpec>> = {
  sort: {
    long: [
      ...[
        'ignore-leading-blanks',
        'dictionary-order',
        'ignore-case',
        'general-numeric-sort',
        'ignore-nonprinting',
      ],
      ...[
        'month-sort',
        'human-numeric-sort',
        'numeric-sort',
        'random-sort',
        'random-source',
        'reverse',
        'sort',
      ],
      ...['version-sort', 'batch-size', 'check', 'compress-program', 'debug', 'files0-from', 'key', 'merge'],
      ...['output', 'stable', 'buffer-size', 'field-separator', 'temporary-directory', 'parallel', 'unique'],
      ...['zero-terminated', 'help', 'version'],
    ],
    valued: 'ktSTo',
  },
  shuf: {
    long: [
      'echo',
      'input-range',
      'head-count',
      'output',
      'random-source',
      'repeat',
      'zero-terminated',
      'help',
      'version',
    ],
    valued: 'ino',
  },
  uniq: {
    long: [
      ...['count', 'repeated', 'all-repeated', 'skip-fields', 'group', 'ignore-case', 'skip-chars', 'unique'],
      ...['zero-terminated', 'check-chars', 'help', 'version'],
    ],
    valued: 'fsw',
  },
  iconv: {
    long: ['from-code', 'to-code', 'list', 'output', 'silent', 'verbose', 'help', 'usage', 'version'],
    valued: 'fto',
  },
};

/** The long option `name` (no dashes) stands for: itself, the one long option it begins, or itself if several. */
function longName(name: string, spec: GnuSpec): string {
  if (spec.long.includes(name)) return name;
  const matches = spec.long.filter((l) => l.startsWith(name));
  return matches.length === 1 ? (matches[0] as string) : name;
}

/** `args` of program `name` spelled out as described above (unchanged for a program without a spec). */
export function gnuArgs(name: string, args: string[]): string[] {
  const spec = SPECS[name];
  if (!spec) return args;
  const out: string[] = [];
  let end = false;
  for (const a of args) {
    if (!end && a === '--') end = true;
    const m = !end && a.length > 2 ? /^--([^=]+)(=.*)?$/s.exec(a) : null;
    out.push(m ? `--${longName(m[1] as string, spec)}${m[2] ?? ''}` : a);
  }
  return splitClusters(out, spec.valued);
}
