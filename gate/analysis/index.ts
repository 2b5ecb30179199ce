import type { Finding } from '../taxonomy/rules.js';
import { analyzeShell } from './commands.js';
import { type Facts, report } from './context.js';
import type { HostPolicy } from './network.js';
import { type ShellParser, shellParseCancelled, shellParserBroken } from './parser.js';
import { classifyPath } from './paths.js';
import { GIT_HOOK_NAMES } from './programs/git-repository.js';

export type { Facts } from './context.js';
export {
  deferredShellParser,
  initShellParser,
  ParserNotReady,
  type ShellParser,
  shellParserBroken,
  shellParserMemory,
} from './parser.js';

export interface Analysis {
  findings: Finding[];
  facts: Facts;
}

/** The longest command the gate analyses (characters); a longer one is not read and asks (exec.unanalysable). */
export const MAX_ANALYSED_CHARS = 256 * 1024;

/** Linux's PATH_MAX: the longest path a working directory can have. */
export const PATH_MAX = 4096;

/**
 * Time one decision may spend analysing a command: 1 s plus 2 ms per KiB. Ordinary commands take well under a
 * millisecond (the base is for a busy machine, where a cold thread's first decision took 307 ms) and a 1 MB
 * list of words ~0.7 s; the grammar's error recovery on hostile nesting grows faster than the text (50,000
 * unclosed `${` took 11 s), and the gate runs in the agent's hook, whose timeout lets the tool run.
 */
export function analysisBudgetMs(chars: number): number {
  return 1_000 + (2 * chars) / 1024;
}

/**
 * The reader limited to the project's files and temporary ones: a script elsewhere asks on its own (a write
 * there asks first), and a secret (`sh ~/.aws/credentials`, `cp .env x.sh`) is never read into a reason. A git
 * repository's own files that make git run programs (its configuration, hooks, worktree links) are read
 * wherever the repository is, and a file of the project named as a git hook (`core.hooksPath` may name any of its directories):
 * each git command is judged with them (programs/git-repository.ts).
 */
function scriptsOnly(read: (path: string) => string | undefined, workspace: string) {
  return (path: string) => {
    const zone = classifyPath(path, { workspace }).zone;
    if (zone === 'workspace' || zone === 'temp') return read(path);
    const hook =
      path.startsWith(`${workspace}/`) && GIT_HOOK_NAMES.has(path.slice(path.lastIndexOf('/') + 1));
    return (GIT_METADATA.test(path) || hook) && !SECRET_ZONES.has(zone) ? read(path) : undefined;
  };
}

/** A repository's configuration, worktree links and hooks. */
const GIT_METADATA = /\/\.git(?:\/(?:config|config\.worktree|commondir|HEAD|hooks\/[^/]+))?$/;
const SECRET_ZONES: ReadonlySet<string> = new Set([
  ...['password-db', 'ssh-key', 'history', 'browser', 'keychain', 'secret', 'project-secret', 'agent-secret'],
  ...['device', 'kernel', 'sensitive'],
]);

/** Analyses one shell command line: what it runs, which paths it reads and writes, which hosts it reaches. */
export function analyzeCommandLine(
  command: string,
  opts: {
    parser: ShellParser;
    workspace: string;
    hosts: HostPolicy;
    cwd?: string | undefined;
    /** When the analysis must end (a `performance.now()` time); default: its budget for the text's length. */
    deadline?: number;
    /** Reads a script a command runs (see AnalysisContext.readScript); without it, such scripts are unseen. */
    readScript?: ((path: string) => string | undefined) | undefined;
    /** Lists a directory (see AnalysisContext.listDir); without it, what a pattern names is unknown. */
    listDir?: ((dir: string) => string[] | undefined) | undefined;
  },
): Analysis {
  const facts: Facts = { argvs: [], paths: [], hosts: [] };
  const text =
    opts.cwd && opts.cwd !== opts.workspace ? `cd ${JSON.stringify(opts.cwd)}\n${command}` : command;
  // No path is longer than PATH_MAX: a longer working directory is made up, and every path is resolved against
  // it (200 KB of one made a 4 KB command take 14.7 s).
  if (opts.workspace.length > PATH_MAX || (opts.cwd?.length ?? 0) > PATH_MAX) {
    const detail = `a working directory longer than a path can be (${PATH_MAX} bytes)`;
    return { findings: [{ rule: 'exec.unanalysable', detail }], facts };
  }
  // The working directory the caller names is read too: it counts.
  if (text.length > MAX_ANALYSED_CHARS) {
    const kib = Math.ceil(text.length / 1024);
    const detail = `${kib} KiB, over the ${MAX_ANALYSED_CHARS / 1024} KiB the gate reads`;
    return { findings: [{ rule: 'exec.unanalysable', detail }], facts };
  }
  const started = performance.now();
  const deadline = opts.deadline ?? started + analysisBudgetMs(text.length);
  const budgetMs = Math.max(0, deadline - started);
  let cancelled = false;
  // Every parse of this decision (each reading, each nested `bash -c`) shares one deadline.
  const parser: ShellParser = {
    parse(t) {
      const parsed = performance.now() > deadline ? null : opts.parser.parse(t, deadline);
      if (!parsed && (performance.now() > deadline || shellParseCancelled())) cancelled = true;
      return parsed;
    },
  };
  const ctx = {
    workspace: opts.workspace,
    hosts: opts.hosts,
    parser,
    depth: 0,
    findings: [],
    facts,
    ...(opts.readScript
      ? { readScript: scriptsOnly(opts.readScript, opts.workspace), running: new Set<string>() }
      : {}),
    ...(opts.listDir ? { listDir: opts.listDir } : {}),
  };
  analyzeShell(text, ctx);
  // What was found stands; what the budget cut short may hide more.
  if (cancelled || performance.now() > deadline)
    report(ctx, 'exec.unanalysable', `analysis took more than its ${Math.round(budgetMs)} ms or its memory`);
  if (shellParserBroken())
    report(
      ctx,
      'exec.unanalysable',
      'the shell grammar failed earlier in this process and parses nothing more',
    );
  return { findings: ctx.findings, facts };
}
