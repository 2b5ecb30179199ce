import { analysisBudgetMs, analyzeCommandLine, type ShellParser, TAXONOMY } from '../gate/index.js';
import { TRUNCATED_MARK } from '../schema/index.js';

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
  /** Every word of every command (for text rules that want a whole argument). */
  argv: string[];
  paths: { path: string; access: 'read' | 'write' }[];
  hosts: string[];
}

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

/** Lines of a text that does not parse as a whole, each analysed on its own (more are not). */
const MAX_RECOVERED_LINES = 1000;

/** Facts that say the text could not be analysed, and why (the why is for logs; detectors read the tag). */
export function unanalysedFacts(): CommandFacts {
  return { ...NO_FACTS, tags: ['exec.unanalysable'], categories: ['parse'] };
}

/**
 * Analyses one command line as the gate would, for the analyzer. Two differences, both because the analyzer
 * sees what already ran rather than what is about to:
 * - A text that does not parse as a whole is also read line by line (bash runs each complete line before it
 *   reads the next, so `curl … | sh` followed by a line with a syntax error still ran): the facts of the lines
 *   that parse are added to `exec.unparseable`.
 * - A command the store cut (it ends with the truncation mark) is analysed as far as it goes and tagged
 *   `exec.unanalysable`: its end was never seen.
 */
export function commandFacts(command: string, workspace: string, ctx: FactsContext): CommandFacts {
  if (command === '') return NO_FACTS;
  const cut = command.endsWith(TRUNCATED_MARK);
  const text = cut ? command.slice(0, -TRUNCATED_MARK.length) : command;
  const opts = { parser: ctx.parser, workspace: workspace || '/nonexistent-workspace', hosts: ctx.hosts };
  const whole = analyzeCommandLine(text, opts);
  const findings = [...whole.findings];
  const argvs = [...whole.facts.argvs];
  const paths = [...whole.facts.paths];
  const hosts = [...whole.facts.hosts];
  if (findings.some((f) => f.rule === 'exec.unparseable') && text.includes('\n')) {
    // One budget for all the lines together, as for the whole text.
    const deadline = performance.now() + analysisBudgetMs(text.length);
    const lines = text.split('\n');
    let i = 0;
    for (; i < lines.length && i < MAX_RECOVERED_LINES && performance.now() < deadline; i++) {
      const line = lines[i] as string;
      if (line.trim() === '') continue;
      const a = analyzeCommandLine(line, opts);
      if (a.findings.some((f) => f.rule === 'exec.unparseable')) continue;
      findings.push(...a.findings);
      argvs.push(...a.facts.argvs);
      paths.push(...a.facts.paths);
      hosts.push(...a.facts.hosts);
    }
    if (i < lines.length) findings.push({ rule: 'exec.unanalysable', detail: 'too many lines to recover' });
  }
  if (cut) findings.push({ rule: 'exec.unanalysable', detail: 'cut when stored' });
  const tags = [...new Set(findings.map((f) => f.rule))];
  const meta = (t: string) => TAXONOMY[t as keyof typeof TAXONOMY];
  return {
    tags,
    categories: [...new Set(tags.map((t) => meta(t)?.category ?? ''))].filter(Boolean),
    attack: [...new Set(tags.map((t) => meta(t)?.attack ?? ''))].filter(Boolean),
    binaries: [...new Set(argvs.map((v) => v[0] ?? '').filter(Boolean))],
    argv: argvs.flat().slice(0, 512),
    paths: paths.slice(0, 256),
    hosts: [...new Set(hosts.map((h) => h.toLowerCase()))].slice(0, 64),
  };
}
