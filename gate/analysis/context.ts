import type { Finding, RuleId } from '../taxonomy/rules.js';
import type { HostPolicy } from './network.js';
import type { ShellParser } from './parser.js';

/** What every analysis step needs: where the workspace is, the network policy and where findings go. */
export interface AnalysisContext {
  workspace: string;
  hosts: HostPolicy;
  parser: ShellParser;
  /** Nesting depth of `bash -c`, `eval`, heredocs: deep nesting is itself suspicious. */
  depth: number;
  findings: Finding[];
  /** Facts for policy rules: every path touched and every host contacted. */
  facts: Facts;
  /** Functions the script defines: calling one is not running an unknown program. */
  functions?: Set<string>;
  /** Words written as documentation alternatives (`a|b|c` without spaces), see analyzeShell. */
  alternatives?: Set<string>;
  /** Git remotes this text points somewhere (`git remote add x URL`, `set-url`): a push to one goes there. */
  remotesSet?: Set<string>;
  /** Text this command line writes into files (by resolved path), for the commands after it that run or apply them. */
  written?: Map<string, string>;
  /**
   * Reads a file a command runs as a script (`sh x`, `. x`, `./x`), by resolved path ('~' kept): the caller's
   * I/O, shared by every reading of one decision. Undefined when unreadable or without a reader.
   */
  readScript?: (path: string) => string | undefined;
  /**
   * The entries of a directory (a directory's name ends in `/`), by resolved path ('~' kept): the caller's I/O,
   * for the files a tool finds by a pattern (`members = ["crates/*"]`, `init.d/*.gradle`). Undefined when the
   * directory is absent or unlistable, or without a lister (then a pattern's files are unknown).
   */
  listDir?: (dir: string) => string[] | undefined;
  /** Scripts being judged now (a script that runs itself is read once). */
  running?: Set<string>;
}

export interface Facts {
  argvs: string[][];
  /** A path run (a program, a script given to a shell) counts as written, and says `ran`. */
  paths: { path: string; access: 'read' | 'write'; ran?: true }[];
  hosts: string[];
  /**
   * A command that ran had variables set in front of it (`WGETRC=./rc wget …`): its argv above does not show
   * them, so an "always allow" grant, made for the command without them, must not match it.
   */
  assigned?: true;
}

export function report(ctx: AnalysisContext, rule: RuleId, detail: string): void {
  if (!ctx.findings.some((f) => f.rule === rule && f.detail === detail)) ctx.findings.push({ rule, detail });
}

/** A copy of the context whose findings are collected apart, to inspect before reporting. */
export function probe(ctx: AnalysisContext): AnalysisContext {
  return { ...ctx, findings: [] };
}
