import type { RiskReason } from '../schema/index.js';
import { type Analysis, analyzeCommandLine, ParserNotReady, type ShellParser } from './analysis/index.js';
import { hostMatches } from './analysis/network.js';
import type { ResolvedPolicy } from './policy/load.js';
import { type RuleId, TAXONOMY } from './taxonomy/rules.js';
import { shellPathFindings, TOOL_RULES, type ToolRuleId } from './tools/index.js';

export function reason(rule: RuleId, detail: string): RiskReason {
  const t = TAXONOMY[rule];
  return { rule_id: rule, category: t.category, attack_id: t.attack, detail: `${t.reason}: ${detail}` };
}

export function toolReason(rule: ToolRuleId, detail: string): RiskReason {
  const r = TOOL_RULES[rule];
  return { rule_id: rule, category: r.category, attack_id: r.attack, detail: `${r.reason}: ${detail}` };
}

/** What a shell text would do, judged: the analysis, its reasons and the highest risk among them. */
export interface ShellJudgement {
  analysis: Analysis;
  reasons: RiskReason[];
  /** Each reason's own risk, in the same order. */
  risks: number[];
  risk: number;
}

export interface ShellJudgeOptions {
  parser: ShellParser;
  policy: ResolvedPolicy;
  workspace: string;
  home: string;
  cwd?: string | undefined;
  /** A credential literal already found in the text (written out with it). */
  credentialWritten?: boolean;
  /** When the analysis must end (`performance.now()` time); default: the text's own budget. */
  deadline?: number;
  /** Reads a script the text runs (`sh x`, `./x`), to judge what it holds; see AnalysisContext.readScript. */
  readScript?: ((path: string) => string | undefined) | undefined;
  /** Lists a directory a build tool finds files in by a pattern; see AnalysisContext.listDir. */
  listDir?: ((dir: string) => string[] | undefined) | undefined;
}

/**
 * Judges shell text as the gate does a command line: the analysis' findings, the paths it reaches, a secret
 * read together with a send, hosts the policy denies.
 */
export function judgeShellText(text: string, o: ShellJudgeOptions): ShellJudgement {
  let analysis: Analysis;
  try {
    analysis = analyzeCommandLine(text, {
      parser: o.parser,
      workspace: o.workspace,
      hosts: o.policy.hosts,
      cwd: o.cwd,
      ...(o.deadline !== undefined ? { deadline: o.deadline } : {}),
      readScript: o.readScript,
      listDir: o.listDir,
    });
  } catch (err) {
    if (err instanceof ParserNotReady) throw err;
    const detail = `analysis failed: ${err instanceof Error ? err.message : String(err)}`;
    analysis = {
      findings: [{ rule: 'exec.unparseable', detail }],
      facts: { argvs: [], paths: [], hosts: [] },
    };
  }
  const reasons: RiskReason[] = [];
  const risks: number[] = [];
  let risk = 0;
  const add = (r: RiskReason, value: number) => {
    risk = Math.max(risk, value);
    reasons.push(r);
    risks.push(value);
  };
  for (const f of analysis.findings) add(reason(f.rule, f.detail), TAXONOMY[f.rule].risk);
  for (const f of shellPathFindings(analysis.facts.paths, { workspace: o.workspace, home: o.home }))
    add(toolReason(f.rule, f.detail), TOOL_RULES[f.rule].risk);
  // A raw socket (nc, /dev/tcp) carries whatever is piped into it: an upload channel too.
  const categories = new Set(analysis.findings.map((f) => TAXONOMY[f.rule].category));
  if (o.credentialWritten) categories.add('credential-access');
  const sends = categories.has('exfiltration') || analysis.findings.some((f) => f.rule === 'net.raw-socket');
  if (categories.has('credential-access') && sends)
    add(
      reason('exfil.secret-upload', 'secret read and upload together'),
      TAXONOMY['exfil.secret-upload'].risk,
    );
  for (const h of analysis.facts.hosts)
    if (o.policy.hosts.deny.some((p) => hostMatches(h.toLowerCase(), p)))
      add(
        {
          rule_id: 'net.denied-host',
          category: 'network',
          attack_id: 'T1071',
          detail: `host ${h} is on the deny list`,
        },
        0.95,
      );
  return { analysis, reasons, risks, risk };
}
