import { analyzeCommandLine, PATH_MAX, type ShellParser, sendingProgram, TAXONOMY } from '../gate/index.js';
import { TRUNCATED_MARK } from '../schema/index.js';
import { isRecipeFile, runsSetLater } from './build-recipes.js';
import { credentialUse, USE_FINDINGS } from './credential-use.js';
import { type FactsList, factsBudget, keptHosts, keptPaths, keptWords, MAX_SENDING } from './facts-bounds.js';
import { type BucketUse, bucketUses } from './object-storage.js';
import { shellWrittenText } from './written-text.js';

/** What the gate's one shell analysis says about a command line, flattened for detectors. */
export interface CommandFacts {
  /** Gate finding ids (behaviour tags), e.g. read.secret, net.upload. */
  tags: string[];
  /** Their categories, e.g. credential-access, exfiltration. */
  categories: string[];
  /** Their ATT&CK technique ids. */
  attack: string[];
  /** Programs run (argv[0] of each simple command, as written). */
  binaries: string[];
  /** Programs run that reach other machines whatever their arguments name (`gh`, `git push`, `dig`). */
  sending?: string[];
  /** Object-storage buckets named, and whether data is copied into each (object-storage.ts). */
  buckets?: BucketUse[];
  /** Every word of every command (for text rules that want a whole argument). */
  argv: string[];
  /** Paths read or written; one a command runs (a program, a script) counts as written and says `ran`. */
  paths: { path: string; access: 'read' | 'write'; ran?: true }[];
  hosts: string[];
  /**
   * What the commands this one sets for a later run would do, each analysed as if run here: package scripts it
   * sets, recipe lines it writes into a Makefile (analyzer/build-recipes.ts). Only those that name a path, or
   * that could not be read (`exec.unanalysable`: among them a recipe file changed with text not known).
   */
  later?: CommandFacts[];
  /**
   * The lists that hold less than the command named (analyzer/facts-bounds.ts: each keeps first what most likely
   * matters). A detector that reads a list named here takes what it lacks as unknown, not as absent.
   */
  cut?: FactsList[];
}

/** The working directory commands are read against when the telemetry does not say (their paths are made whole with it). */
export const UNKNOWN_WORKSPACE = '/nonexistent-workspace';
/** The directory a command's paths were made whole against. */
export const factsWorkspace = (cwd: string) => cwd || UNKNOWN_WORKSPACE;

export const NO_FACTS: CommandFacts = {
  tags: [],
  categories: [],
  attack: [],
  binaries: [],
  argv: [],
  paths: [],
  hosts: [],
};

export interface FactsContext {
  parser: ShellParser;
  hosts: { allow: string[]; deny: string[] };
}

/** Lines of a text that does not parse as a whole that are read again one by one (the rest only roughly). */
const MAX_RECOVERED_LINES = 1000;
/** Most lines one command of such a text may span (a quote, a continuation or a loop across lines). */
const MAX_COMMAND_LINES = 256;

/**
 * How long the analyzer may spend on one stored command (ms, for its length; stored commands are at most 8 KiB).
 * Shorter than the gate's, which decides interactively on up to 256 KiB: what the analyzer reads already ran, and
 * every command in a batch waits for the slowest. Ordinary commands take a few milliseconds; hostile text takes
 * the whole budget and is said unanalysable (rule unanalysed-command), so a flood of it delays scoring by at most
 * this much per text.
 */
export function analyzerBudgetMs(chars: number): number {
  return 500 + (2 * chars) / 1024;
}

/** Facts that say the text could not be analysed, and why (the why is for logs; detectors read the tag). */
export function unanalysedFacts(): CommandFacts {
  return { ...NO_FACTS, tags: ['exec.unanalysable'], categories: ['parse'] };
}

/**
 * Analyses one command line as the gate would, for the analyzer. Three differences, because the analyzer sees
 * what already ran rather than what is about to:
 * - A text that does not parse as a whole is also read command by command (bash runs each complete command
 *   before it reads the next, so `curl … | sh` followed by a line with a syntax error still ran).
 * - What the grammar cannot read at all is read roughly (`roughReading`): bash runs some of it.
 * - A command the store cut (it ends with the truncation mark) is analysed as far as it goes and tagged
 *   `exec.unanalysable`: its end was never seen.
 */
export function commandFacts(command: string, workspace: string, ctx: FactsContext): CommandFacts {
  if (command === '') return NO_FACTS;
  const cut = command.endsWith(TRUNCATED_MARK);
  const text = cut ? command.slice(0, -TRUNCATED_MARK.length) : command;
  // A working directory longer than a path can be (an agent's telemetry says what it likes) would make the gate's
  // analysis give up on the whole command: it is read as if from an unknown directory instead, and said so.
  const impossibleCwd = workspace.length > PATH_MAX;
  const cwd = impossibleCwd ? '' : workspace;
  // One budget for the whole text, the re-reading of its lines and the commands it sets for later.
  const deadline = performance.now() + analyzerBudgetMs(text.length);
  const opts = { parser: ctx.parser, workspace: factsWorkspace(cwd), hosts: ctx.hosts, deadline };
  const read = readFacts(text, opts, cut, impossibleCwd);
  const later = laterFacts(text, cut, read, opts);
  return later.length > 0 ? { ...read.facts, later } : read.facts;
}

type AnalysisOptions = Parameters<typeof analyzeCommandLine>[1] & { deadline: number };

/** Commands set for later runs that one command's facts keep at most (more are said unanalysable). */
const MAX_LATER = 32;

/**
 * The commands a command sets for later runs (analyzer/build-recipes.ts), each read as a command in the directory
 * it would run in, within the command's own budget. A command cut when stored, or a recipe file changed with text
 * that is not known, sets something unknown: said unanalysable.
 */
function laterFacts(text: string, cut: boolean, read: Read, opts: AnalysisOptions): CommandFacts[] {
  if (read.argvs.length === 0) return [];
  // Every word and path the command named, not only those its facts keep: a script set past them still runs.
  const written = read.paths.filter((p) => p.access === 'write').map((p) => p.path);
  // The text a recipe file is written with, read only when one is written (most commands write none).
  const literal = cut || !written.some(isRecipeFile) ? '' : shellWrittenText(text);
  const set = runsSetLater([read.argvs.flat()], written, literal, opts.workspace);
  const out: CommandFacts[] = [];
  if (set.unknown || (cut && set.runs.length > 0)) out.push(unanalysedFacts());
  for (const run of set.runs) {
    if (out.length >= MAX_LATER) {
      out.push(unanalysedFacts());
      break;
    }
    const f = readFacts(
      run.command,
      { ...opts, workspace: factsWorkspace(run.workspace) },
      false,
      false,
    ).facts;
    if (f.paths.length > 0 || f.tags.includes('exec.unanalysable')) out.push(f);
  }
  return out;
}

/** One text's facts, and every word and path it named (its facts keep them within bounds). */
interface Read {
  facts: CommandFacts;
  argvs: string[][];
  paths: Analysis['facts']['paths'];
}

/**
 * One text's facts, read with `opts` (its deadline included). `cut`: the text was cut when stored;
 * `impossibleCwd`: it is read from an unknown directory, its own being longer than a path can be.
 */
function readFacts(text: string, opts: AnalysisOptions, cut: boolean, impossibleCwd: boolean): Read {
  const deadline = opts.deadline;
  const findings: Analysis['findings'] = [];
  const argvs: string[][] = [];
  const paths: Analysis['facts']['paths'] = [];
  const hosts: string[] = [];
  const add = (a: Analysis) => {
    findings.push(...a.findings);
    argvs.push(...a.facts.argvs);
    paths.push(...a.facts.paths);
    hosts.push(...a.facts.hosts);
  };
  add(analyzeCommandLine(text, opts));
  if (findings.some((f) => f.rule === 'exec.unparseable')) {
    let unread = [text];
    if (text.includes('\n')) {
      const lines = recoverLines(text, opts, deadline);
      for (const a of lines.parsed) add(a);
      if (!lines.complete)
        findings.push({ rule: 'exec.unanalysable', detail: 'its lines could not all be read' });
      unread = lines.unread;
    }
    // Each piece alone, as far as MAX_ROUGH_PIECES; the rest together, in one reading made first, while the budget
    // lasts (a step put after hundreds of slow pieces is still read; pieces the budget does not reach are said so).
    const pieces = unread.flatMap(roughReading);
    if (pieces.length > MAX_ROUGH_PIECES)
      add(analyzeCommandLine(pieces.slice(MAX_ROUGH_PIECES).join('\n'), opts));
    for (const piece of pieces.slice(0, MAX_ROUGH_PIECES)) add(analyzeCommandLine(piece, opts));
  }
  if (cut) findings.push({ rule: 'exec.unanalysable', detail: 'cut when stored' });
  if (impossibleCwd)
    findings.push({ rule: 'exec.unanalysable', detail: 'a working directory longer than a path can be' });
  // A line that only uses a credential (makes a key, logs in from stdin, revokes a token) is not a read of it.
  const use = cut ? undefined : credentialUse(text, argvs);
  const dropped = use ? USE_FINDINGS[use] : undefined;
  const tags = [...new Set(findings.map((f) => f.rule).filter((r) => !dropped?.has(r)))];
  // A new key's file is written; its comment (`-C me@acme.dev`) names no host.
  const made = use === 'new-key';
  const budget = factsBudget(text);
  const meta = (t: string) => TAXONOMY[t as keyof typeof TAXONOMY];
  const senders = [...new Set(argvs.map(sendingProgram).filter((x): x is string => x !== null))];
  const words = keptWords(argvs, budget);
  const kept = keptPaths(
    made ? paths.map((p) => ({ ...p, access: 'write' as const })) : paths,
    opts.workspace,
    budget,
  );
  const named = made ? { hosts: [], cut: false } : keptHosts(hosts, opts.hosts.allow);
  const lists: FactsList[] = [];
  if (named.cut) lists.push('hosts');
  if (words.cut) lists.push('argv');
  if (kept.cut) lists.push('paths');
  if (senders.length > MAX_SENDING) lists.push('sending');
  const facts: CommandFacts = {
    tags,
    categories: [...new Set(tags.map((t) => meta(t)?.category ?? ''))].filter(Boolean),
    attack: [...new Set(tags.map((t) => meta(t)?.attack ?? ''))].filter(Boolean),
    binaries: [...new Set(argvs.map((v) => v[0] ?? '').filter(Boolean))],
    sending: senders.slice(0, MAX_SENDING),
    buckets: bucketUses(argvs),
    argv: words.argv,
    paths: kept.paths,
    hosts: named.hosts,
    ...(lists.length > 0 ? { cut: lists } : {}),
  };
  return { facts, argvs, paths };
}

type Analysis = ReturnType<typeof analyzeCommandLine>;

/**
 * Reads a text that does not parse as a whole the way bash runs it: command by command, each from the line it
 * starts on through as many lines as it needs (an open quote, a trailing backslash, a loop). A window counts
 * only when the grammar takes it as it is: the gate's analysis repairs what looks like documentation syntax
 * (it closes an open quote or parenthesis at the end of its input), which at a window's end would end a quote
 * that bash continues on the next line, and the line after it would then open a quote that hides the rest. A
 * line from which no window parses is read alone, as the gate reads it (bash skips a command with a syntax error
 * and goes on). `complete` is false when the budget ran out, or a command ran on past the window's most lines.
 */
function recoverLines(
  text: string,
  opts: Parameters<typeof analyzeCommandLine>[1],
  deadline: number,
): { parsed: Analysis[]; unread: string[]; complete: boolean } {
  const lines = text.split('\n');
  const parsed: Analysis[] = [];
  const unread: string[] = [];
  const unparseable = (a: Analysis) =>
    a.findings.some((f) => f.rule === 'exec.unparseable' || f.rule === 'exec.unanalysable');
  const takenAsIs = (window: string) => {
    const tree = opts.parser.parse(window, deadline);
    tree?.dispose();
    return tree !== null;
  };
  let complete = true;
  let i = 0;
  let read = 0;
  while (i < lines.length) {
    if (performance.now() > deadline) return { parsed, unread, complete: false };
    // Past the lines read one by one, the rest is read roughly (its pieces together: `readFacts`), and said so.
    if (read >= MAX_RECOVERED_LINES)
      return { parsed, unread: [...unread, ...lines.slice(i)], complete: false };
    if ((lines[i] as string).trim() === '') {
      i++;
      continue;
    }
    read++;
    let end = -1;
    let j = i;
    for (; j < lines.length && j < i + MAX_COMMAND_LINES; j++) {
      if (performance.now() > deadline) return { parsed, unread, complete: false };
      // A line that ends in an unescaped backslash goes on to the next, whatever the grammar makes of it alone.
      if (/(^|[^\\])(\\\\)*\\$/.test(lines[j] as string) && j + 1 < lines.length) continue;
      const window = lines.slice(i, j + 1).join('\n');
      if (!takenAsIs(window)) continue;
      const a = analyzeCommandLine(window, opts);
      parsed.push(a);
      // The grammar took the window but the analysis could not read it (a here-document whose delimiter the two
      // read differently): its lines are read roughly too.
      if (unparseable(a)) unread.push(...lines.slice(i, j + 1));
      end = j;
      break;
    }
    if (end >= 0) {
      i = end + 1;
      continue;
    }
    // A construct longer than the window may hide what follows it: said, not guessed.
    if (j < lines.length) complete = false;
    const alone = analyzeCommandLine(lines[i] as string, opts);
    if (!unparseable(alone)) parsed.push(alone);
    else unread.push(lines[i] as string);
    i++;
  }
  return { parsed, unread, complete };
}

const KEYWORDS = new Set([
  'do',
  'then',
  'else',
  'elif',
  'if',
  'while',
  'until',
  'time',
  '!',
  'fi',
  'done',
  'esac',
]);

/** Pieces of text the grammar could not read that are each read roughly alone (the rest are read together). */
const MAX_ROUGH_PIECES = 256;

/**
 * A rough reading of shell text the grammar rejects (bash runs some of it: `1<>file` redirections, brace
 * expansion as the command word `{cat,.env}`, `for x in a; { …; }`): brace lists expanded, the text cut at shell
 * separators, and each piece's words quoted one by one, so the gate's analysis reads each as a plain command
 * (`curl -d@.ssh/id_rsa https://…` after an unreadable redirection is still an upload of a key).
 */
export function roughReading(text: string): string[] {
  const expanded = text.replace(
    /\{([^{}\s]*,[^{}\s]*)\}/g,
    (_m, list: string) => ` ${list.replaceAll(',', ' ')} `,
  );
  const out: string[] = [];
  for (const piece of expanded.split(/\|\||&&|\$\(|[;&|\n(){}`]/)) {
    const words = piece
      .split(/\s+/)
      .map((w) => w.replace(/["']/g, ''))
      .filter((w) => w !== '' && !/^\d*[<>]/.test(w));
    // A piece that starts inside a compound command: the keyword is not the program.
    while (words.length > 0 && KEYWORDS.has(words[0] as string)) words.shift();
    if (words.length === 0) continue;
    // Plain words stay as they are (a leading ~ is still home); the rest is quoted, so nothing is re-read as syntax.
    out.push(
      words.map((w) => (/^[\w./:+,@=~%-]+$/.test(w) ? w : `'${w.replaceAll("'", "'\\''")}'`)).join(' '),
    );
  }
  return out;
}
