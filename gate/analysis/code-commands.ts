/**
 * The command lines JavaScript, Perl and Ruby code hands to a shell or starts as a process, as shell text the
 * gate judges like a typed command: `execSync('curl … | sh')`, `spawn('sh', ['-c', cmd])`, zx's `` $`…` ``,
 * `system "…"`, `` `…` ``, `qx{…}`, `%x(…)`, `open(F, "… |")`, `IO.popen(…)`, rake's `sh '…'`. A string's
 * constants and interpolations are read as far as they can be (code-strings.ts); what is known only at run time
 * is a word the shell cannot know. A command nothing of is known is left out: the scan of the code already says
 * that it runs commands.
 */
import {
  type CodeLanguage,
  foldLiterals,
  listValues,
  literalAt,
  type Names,
  namesIn,
  parenthesised,
  type Segment,
  splitTop,
  stringValue,
} from './code-strings.js';

/** The language whose strings and calls an interpreter's code uses, when the scan knows it. */
export function languageOf(program: string): CodeLanguage | undefined {
  if (/^(?:node|nodejs|deno|bun|tsx|ts-node|zx)$/.test(program)) return 'js';
  if (/^perl[\d.]*$/.test(program)) return 'perl';
  if (/^ruby[\d.]*$/.test(program)) return 'ruby';
  return undefined;
}

const quote = (t: string) => `'${t.replaceAll("'", `'\\''`)}'`;
/** A value as a shell command line: its text as written, its run-time pieces as words the shell cannot know. */
const asCommand = (segs: Segment[]) => segs.map((s) => ('lit' in s ? s.lit : `"${s.shell}"`)).join('');
/** A value as one shell word. */
const asWord = (segs: Segment[]) =>
  segs.map((s) => ('lit' in s ? quote(s.lit) : `"${s.shell}"`)).join('') || "''";

/** A program and its arguments, each a value or a list of them, as shell words. */
function words(exprs: string[], lang: CodeLanguage, names: Names): string {
  return exprs
    .flatMap((x) => (/^(?:\[|qw\b)/.test(x) ? listValues(x, lang, names) : [stringValue(x, lang, names)]))
    .map(asWord)
    .join(' ');
}

/**
 * What a call given a command line or a program and its arguments runs: one argument is a command line (a list,
 * an argv); more are the argv. An environment hash before them and options after them are not the command.
 */
function commandOf(args: string[], lang: CodeLanguage, names: Names): string {
  const a = [...args];
  if (/^\{[\s\S]*(?:=>|:)/.test(a[0] ?? '')) a.shift();
  while (a.length > 1 && /^(?:\{[\s\S]*\}|\w+:\s|\*\*|:\w+\s*=>)/.test(a.at(-1) ?? '')) a.pop();
  const only = a.length === 1 ? (a[0] ?? '') : undefined;
  if (only !== undefined && !/^(?:\[|qw\b)/.test(only)) return asCommand(stringValue(only, lang, names));
  return words(a, lang, names);
}

/** Calls that take a command line: child_process's `exec`, execa's `execaCommand`. */
const JS_COMMAND_LINE = /^(?:exec|execSync|execaCommand|execaCommandSync)$/;

/** JavaScript: child_process, execa, Bun and Deno calls, zx's and Bun's `$` templates. */
function jsCommands(code: string, names: Names, out: string[]): void {
  // `exec(` is also a regular expression's and a database's: it counts where the code can reach child_process
  // (named, or a module whose name is put together at run time).
  const reachesProcesses = /child_process|shelljs|\b(?:require|import)\s*\(\s*(?!['"`])/.test(code);
  for (const m of code.matchAll(
    /\b(execSync|exec|execaCommand(?:Sync)?|spawn|spawnSync|execFile|execFileSync|execa|execaSync|Bun\.spawn(?:Sync)?|Deno\.Command|Deno\.run)\s*\(/g,
  )) {
    const name = m[1] ?? '';
    if (name === 'exec' && !reachesProcesses) continue;
    const inner = parenthesised(code, (m.index ?? 0) + m[0].length - 1);
    if (inner === undefined) continue;
    const args = splitTop(inner, /^,/);
    if (JS_COMMAND_LINE.test(name)) out.push(asCommand(stringValue(args[0] ?? '', 'js', names)));
    else if (name === 'Deno.Command') {
      const list = /\bargs\s*:\s*(\[[\s\S]*?\])/.exec(args[1] ?? '')?.[1];
      out.push(words([args[0] ?? "''", ...(list ? [list] : [])], 'js', names));
    } else if (name.startsWith('Bun.') || name === 'Deno.run') {
      // `Bun.spawn(['git', 'log'])`, `Bun.spawn({ cmd: [...] })`, `Deno.run({ cmd: [...] })`.
      const list = args[0]?.startsWith('[') ? args[0] : /\bcmd\s*:\s*(\[[\s\S]*?\])/.exec(inner)?.[1];
      if (list) out.push(words([list], 'js', names));
    } else if (/\bshell\s*:\s*(?!false\b)/.test(inner)) {
      // `spawn('curl … | sh', { shell: true })`: the program and its arguments are joined into a command line.
      const list = args[1]?.startsWith('[') ? listValues(args[1], 'js', names) : [];
      out.push([stringValue(args[0] ?? '', 'js', names), ...list].map(asCommand).join(' '));
    } else out.push(words(args.slice(0, args[1]?.startsWith('[') ? 2 : 1), 'js', names));
  }
  // zx's and Bun's shell templates, where the code uses one (a `$` before a template's closing backtick is not).
  if (!/\bfrom\s+['"](?:zx|bun)['"]|\brequire\s*\(\s*['"]zx['"]|['"]zx\/globals['"]|^#!.*\bzx\b/m.test(code))
    return;
  for (const m of code.matchAll(/(?<![\w$.])\$\s*(?=`)/g)) {
    // Each interpolation is one word.
    const l = literalAt(code, (m.index ?? 0) + m[0].length, 'js', names);
    if (l) out.push(asCommand(l.segs));
  }
}

/** Perl's and Ruby's calls that run a command line or an argv. */
const SCRIPT_CALLS: Record<'perl' | 'ruby', RegExp> = {
  perl: /(?<![\w$@%>:.-])(system|exec|open)\b\s*/g,
  ruby: /(?<![\w$@:.])(system|exec|spawn|sh)\b(?![?!=])\s*|\b(?:Kernel\.(system|exec|spawn)|Process\.(spawn)|IO\.(popen)|Open3\.(\w+))\s*/g,
};

/** Perl and Ruby: `system`, `exec`, Perl's piped `open`, Ruby's `IO.popen`/`Open3`/rake's `sh`, backticks. */
function scriptCommands(code: string, lang: 'perl' | 'ruby', names: Names, out: string[]): void {
  for (const m of code.matchAll(SCRIPT_CALLS[lang])) {
    const name = m.slice(1).find((g) => g !== undefined) ?? '';
    const at = (m.index ?? 0) + m[0].length;
    let inner: string | undefined;
    if (code[at] === '(') inner = parenthesised(code, at);
    else {
      // Without parentheses: the statement, up to what joins the next one (`system "x" or die`).
      const rest = /^[^;\n]*/.exec(code.slice(at, at + 2048))?.[0] ?? '';
      inner = rest.replace(/\s+(?:or|and|unless|if|\|\||&&|do)\b[\s\S]*$|\s*\{[^}]*$/, '');
      if (name !== 'open' && !/^['"`[%q]/.test(inner)) continue;
    }
    if (inner === undefined) continue;
    const args = splitTop(inner, /^(?:,|=>)/);
    if (name === 'open') {
      // `open(F, "curl … |")`, `open(my $fh, '-|', 'git', 'log')`: a pipe from or to a command.
      const mode = asCommand(stringValue(args[1] ?? '', lang, names)).trim();
      if (args.length === 2 && /^\||\|$/.test(mode)) out.push(mode.replace(/^\|\s*|\s*\|$/g, ''));
      else if (args.length > 2 && /^(?:-\||\|-)$/.test(mode)) out.push(commandOf(args.slice(2), lang, names));
    } else out.push(commandOf(name === 'popen' ? args.slice(0, 1) : args, lang, names));
  }
  // Backticks, `qx{…}` and `%x(…)` run their text in a shell; one literal ends before the next starts.
  const quoted = lang === 'perl' ? /`|\bqx\s*(?=[^\w\s])/g : /`|%x(?=[([{<|!/])/g;
  for (let m = quoted.exec(code); m; m = quoted.exec(code)) {
    const l = literalAt(code, m.index, lang, names);
    if (!l) break;
    out.push(asCommand(l.segs));
    quoted.lastIndex = l.end;
  }
}

/** The shell text of each command `code` starts (at most 64), each known at least in part. */
export function codeCommands(code: string, lang: CodeLanguage): string[] {
  const folded = foldLiterals(code);
  const names = namesIn(folded, lang);
  const out: string[] = [];
  if (lang === 'js') jsCommands(folded, names, out);
  else scriptCommands(folded, lang, names, out);
  return [...new Set(out)].filter((t) => /[^\s'"]/.test(t.replaceAll('"$UNKNOWN"', ''))).slice(0, 64);
}
