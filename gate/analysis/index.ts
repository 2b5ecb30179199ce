import type { Finding } from '../taxonomy/rules.js';
import { analyzeShell } from './commands.js';
import type { Facts } from './context.js';
import type { HostPolicy } from './network.js';
import type { ShellParser } from './parser.js';

export type { Facts } from './context.js';
export { deferredShellParser, initShellParser, ParserNotReady, type ShellParser } from './parser.js';

export interface Analysis {
  findings: Finding[];
  facts: Facts;
}

/** Analyses one shell command line: what it runs, which paths it reads and writes, which hosts it reaches. */
export function analyzeCommandLine(
  command: string,
  opts: { parser: ShellParser; workspace: string; hosts: HostPolicy; cwd?: string | undefined },
): Analysis {
  const facts: Facts = { argvs: [], paths: [], hosts: [] };
  const ctx = {
    workspace: opts.workspace,
    hosts: opts.hosts,
    parser: opts.parser,
    depth: 0,
    findings: [],
    facts,
  };
  const text =
    opts.cwd && opts.cwd !== opts.workspace ? `cd ${JSON.stringify(opts.cwd)}\n${command}` : command;
  analyzeShell(text, ctx);
  return { findings: ctx.findings, facts };
}
