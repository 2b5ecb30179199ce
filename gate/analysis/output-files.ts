/**
 * Files a program writes that its options or operands name, rather than a redirect: `sort -o F`, `uniq IN OUT`,
 * `xxd -r IN OUT`, `tree -o F`, `yq -i EXPR F`, `history -w F`. Each is judged as any write to that path, by
 * the same zone rules `cp` onto it gets (a start-up file, an agent's settings, Ward's policy), so a text tool is
 * no way around a guarded file. Programs whose own handler judges what they write (cp, tee, dd, tar, patch,
 * split, sed -i…) are not repeated here; the next program that writes where an option or an operand says is a
 * row here, not a new handler.
 */
import { type Call, operands, optionValues } from './call.js';
import { touch } from './effects.js';
import type { OptionRow } from './option-table.js';
import { UNKNOWN } from './script.js';
import { judgeTextCopied } from './script-written.js';

/** Options whose value is a file (or directory) the program writes (the option table's `writes` effect). */
export const OUTPUT_OPTIONS: readonly OptionRow[] = [
  { programs: ['sort', 'shuf', 'iconv', 'time'], option: /^(-o|--output)$/, effect: 'writes' },
  // BSD and macOS base64 (`base64 -d -i IN -o OUT`); GNU's has no such option.
  { programs: ['base64'], option: /^(-o|--output)$/, effect: 'writes' },
  { programs: ['uudecode'], option: /^(-o|--output-file)$/, effect: 'writes' },
  // The listing, with every file name in it, goes to the file (a name can be `$(…)` for a shell to run).
  { programs: ['tree'], option: /^-o$/, effect: 'writes' },
  { programs: ['rlwrap', 'strace', 'ltrace'], option: /^(-l|-o|--output)$/, effect: 'writes' },
  { programs: ['valgrind'], option: /^--(log-file|xml-file)$/, effect: 'writes' },
  { programs: ['rsync'], option: /^--(log-file|write-batch|only-write-batch)$/, effect: 'writes' },
  { programs: ['parallel'], option: /^--(joblog|results|res)$/, effect: 'writes' },
  // gawk's optional values are only ever attached (`-dFILE`, `--dump-variables=FILE`): the variables' values
  // (any text the command line sets), the profile or the program itself written out.
  {
    programs: ['gawk', 'awk'],
    option: /^(?:-[dop]|--(?:dump-variables|pretty-print|profile)=)(.+)$/,
    value: /^$/,
    effect: 'writes',
  },
  // curl and wget write what the server sent (headers, cookies, a trace of the body) where these say: `-D
  // ~/.bashrc` is a start-up file the server writes; `--output-dir` is where `-O` saves.
  {
    programs: ['curl'],
    option:
      /^(-c|--cookie-jar|-D|--dump-header|--trace|--trace-ascii|--stderr|--etag-save|--hsts|--alt-svc|--libcurl|--output-dir)$/,
    effect: 'writes',
  },
  {
    programs: ['wget'],
    option: /^(-o|--output-file|-a|--append-output|--save-cookies|--hsts-file|--warc-file)$/,
    effect: 'writes',
  },
  // Where an archive is extracted to is written (`unzip x.zip -d ~` drops ~/.bashrc like `tar -C ~` does).
  { programs: ['unzip', '7z', '7za', 'bsdtar'], option: /^(-d|-o|-C)$/, effect: 'writes' },
];

/** Options of uniq and xxd that take a value (xxd's long names have one dash: `-cols 8`, `-seek 16`). */
export const UNIQ_VALUED = ['-f', '-s', '-w', '--skip-fields', '--skip-chars', '--check-chars'];
export const XXD_VALUED = [
  ...['-c', '-cols', '-g', '-groupsize', '-l', '-len', '-n', '-name', '-o', '-offset', '-s', '-seek'],
];

/** How a program names the files it writes among its operands (counted without its options' values). */
interface OperandRow {
  /** Options that take a value (so their values are not counted as operands). */
  valued: readonly string[];
  /** The operands written, given all operands in order and the call. */
  written: (ops: readonly string[], c: Call) => readonly string[];
}

/** A flag given alone or in a cluster of one-letter flags (`-i`, `-Pi`). */
const flagged = (c: Call, letters: RegExp, long?: RegExp) =>
  c.args.some((a) => (/^-[a-zA-Z]+$/.test(a) && letters.test(a.slice(1))) || (long?.test(a) ?? false));

/** yq's subcommands, and the options that take a value (its expression comes first unless given by one). */
const YQ_SUBCOMMANDS = /^(e|eval|ea|eval-all)$/;
const YQ_VALUED = [
  ...['-I', '--indent', '-o', '--output-format', '-p', '--input-format', '--from-file', '-s', '--split-exp'],
  ...['--expression', '--arg', '--argjson', '--args', '--properties-separator'],
];

/** csplit's pieces are PREFIX then a number in FORMAT (`-b 'rc%.0d'` makes the first piece PREFIX + `rc`). */
function csplitPieces(c: Call): string[] {
  const value = (short: string, long: string) => {
    const i = c.args.findIndex((a) => a === short || a === long);
    if (i >= 0) return c.args[i + 1];
    return c.args.find((a) => a.startsWith(`${long}=`))?.slice(long.length + 1);
  };
  const prefix = value('-f', '--prefix') ?? 'xx';
  const format = value('-b', '--suffix-format');
  const pieces = [`${prefix}00`, prefix];
  if (format !== undefined) pieces.push(`${prefix}${format.replace(/%[-+ #0']*\d*(?:\.\d*)?[diouxX]/g, '')}`);
  return pieces;
}

/** Programs whose operands name what they write. */
const OUTPUT_OPERANDS: Record<string, OperandRow> = {
  // `uniq [INPUT [OUTPUT]]`, `xxd [-r] [INFILE [OUTFILE]]`.
  uniq: { valued: UNIQ_VALUED, written: (ops) => ops.slice(1, 2) },
  xxd: { valued: XXD_VALUED, written: (ops) => ops.slice(1, 2) },
  // `yq -i EXPR FILE…` edits the files in place.
  yq: {
    valued: YQ_VALUED,
    written: (ops, c) => {
      if (!flagged(c, /i/, /^--in-?place(=true)?$/)) return [];
      const rest = YQ_SUBCOMMANDS.test(ops[0] ?? '') ? ops.slice(1) : ops;
      const given = c.args.some((a) => /^(--from-file|--expression)(=|$)/.test(a));
      return given ? rest : rest.slice(1);
    },
  },
  // `history -w FILE`, `history -a FILE`: the session's commands (`history -s` adds any) go into FILE.
  history: { valued: [], written: (ops, c) => (flagged(c, /[aw]/) ? ops.slice(0, 1) : []) },
  // `logsave FILE CMD…`: the command's output is saved in FILE.
  logsave: { valued: [], written: (ops) => ops.slice(0, 1) },
  csplit: {
    valued: ['-f', '-b', '-n', '--prefix', '--suffix-format', '--digits'],
    written: (_ops, c) => csplitPieces(c),
  },
  // Without -o, uudecode writes the file its input's `begin MODE NAME` line names: anywhere.
  uudecode: {
    valued: ['-o', '--output-file'],
    written: (_ops, c) => (c.args.some((a) => /^(-o|--output-file)/.test(a)) ? [] : [`/${UNKNOWN}`]),
  },
};

/** Programs whose output is their input's lines (sorted, shuffled, deduplicated): a copy, as `cp` makes. */
const COPIES_LINES = /^(sort|uniq|shuf)$/;

/** The operands of this call that name files it writes (none for a program without a row). */
export function outputOperands(c: Call): readonly string[] {
  const row = OUTPUT_OPERANDS[c.name];
  return row ? row.written(operands(c.args, row.valued), c) : [];
}

/**
 * Judges the files this call's operands name as written (its options' are the option table's), and the text a
 * line tool copies into its output file as `cp` would have put it there.
 */
export function judgeOutputFiles(c: Call): void {
  const row = OUTPUT_OPERANDS[c.name];
  const ops = row ? operands(c.args, row.valued) : [];
  const written = row ? row.written(ops, c) : [];
  for (const p of written) touch(c.ctx, p, 'write', c.cwd);
  if (!COPIES_LINES.test(c.name)) return;
  const outputs = [...written, ...optionValues(c.args, ['-o', '--output'])].filter((o) => o !== '-');
  if (outputs.length === 0) return;
  const inputs = operands(c.args, ['-o', '--output', '-k', '-t', '-S', '-T', '-f', '-s', '-w', '-n']);
  for (const src of inputs.filter((o) => o !== '-' && !outputs.includes(o)).slice(0, 16))
    judgeTextCopied(c, src, outputs);
}
