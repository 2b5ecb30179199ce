import type { GrantRule } from '../schema/index.js';
import { analyzeCommandLine, initShellParser, type ShellParser } from './analysis/index.js';
import { grantPrefix, installRefusal, refuseReason } from './policy/grant-prefix.js';

/**
 * The gate's grant rules for a command text, for the server deciding an approval: the command must be one
 * simple command, its prefix must not be an interpreter or wrapper, and it must not install packages
 * (grant-prefix.ts). The shell grammar loads on first use.
 */
export function createGrantRule(): GrantRule {
  let parser: Promise<ShellParser> | undefined;
  return async (command) => {
    parser ??= initShellParser();
    let argvs: string[][];
    let assigned = false;
    let kinds: string[];
    try {
      const { facts, findings } = analyzeCommandLine(command, {
        parser: await parser,
        workspace: '/',
        hosts: { allow: [], deny: [] },
      });
      argvs = facts.argvs;
      assigned = facts.assigned === true;
      kinds = findings.map((f) => f.rule);
    } catch (err) {
      return { ok: false, reason: `the command could not be analysed (${(err as Error).message})` };
    }
    // The outer program first: `bash -c "…"` is refused as a wrapper, not as the list it runs.
    const prefix = grantPrefix(argvs[0] ?? []);
    const refused = refuseReason(prefix);
    if (refused) return { ok: false, reason: refused };
    const installs = installRefusal(kinds);
    if (installs) return { ok: false, reason: installs };
    if (assigned) return { ok: false, reason: 'commands with environment assignments cannot be granted' };
    if (argvs.length !== 1)
      return { ok: false, reason: 'only a single simple command can be granted, not a pipeline or list' };
    return { ok: true, prefix };
  };
}
