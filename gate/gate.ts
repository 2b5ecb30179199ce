import type { RiskReason } from '../schema/index.js';
import { type Analysis, deferredShellParser, initShellParser, ParserNotReady } from './analysis/index.js';
import { containedBySandbox } from './containment.js';
import { argumentText, credentialsWrittenOut } from './credential-literal.js';
import { escalationReason } from './escalation.js';
import { knownSafe } from './known-safe.js';
import { grantPrefix, installRefusal, refuseReason } from './policy/grant-prefix.js';
import type { Grant } from './policy/grants.js';
import type { ResolvedPolicy } from './policy/load.js';
import { type CompiledRule, strictest } from './policy/rules.js';
import type { Decision } from './policy/schema.js';
import { joinFacts, sendOf } from './read-then-send.js';
import { dirLister, scriptReader } from './script-reader.js';
import { judgeShellText } from './shell-judgement.js';
import { type RuleId, TAXONOMY } from './taxonomy/rules.js';
import { analyzeToolCall, TOOL_RULES, toolAccess } from './tools/index.js';
import { resolveToolPath } from './tools/tool-paths.js';
import { type ListDir, type ReadText, writtenScriptReasons } from './written-scripts.js';

export interface GateInput {
  command: string;
  /** Non-shell tool name (Edit, mcp__server__tool); when set, `command` is the tool's input summary. */
  tool?: string;
  /** The tool's arguments (file_path, url, patch, MCP arguments), analysed for paths, hosts and behaviour. */
  toolInput?: Record<string, unknown>;
  cwd?: string;
  /** Live session anomaly score 0..1 from the analyzer. */
  sessionScore?: number;
  /** The analyzer's fused session risk 0..1 (GET /api/risk); the higher of this and sessionScore escalates. */
  sessionRisk?: number;
  /**
   * Why the session's risk cannot be trusted now (the analyzer has not scored some of its events in time): what
   * the gate would allow it asks for instead, as above the escalation threshold.
   */
  riskUnknown?: string;
  /** The caller may not read the session's whole risk (another token sent into it): reasons do not tell it. */
  riskWithheld?: boolean;
  /** A secret this session read earlier (its caller remembers, see read-then-send.ts): allowed sends ask. */
  readEarlier?: string;
  /**
   * "Always allow" grants of this session and project (the server's GrantRecord carries an `id`), each with the
   * command approved: a grant without it lifts nothing.
   */
  grants?: readonly (Grant & { id?: string; command?: string })[];
  /** 'sandbox': the command runs inside Ward's sandbox (ward exec), which contains some harms. */
  contained?: 'sandbox';
}

export interface GateDecision {
  decision: Decision;
  risk: number;
  reasons: RiskReason[];
  mode: string;
  /** True when an "always allow" grant may be offered for this command. */
  grantable: boolean;
  /** True when the session score turned an allow into an ask. */
  escalated: boolean;
  /** Set when an ask became allow only because Ward's sandbox contains what was found (ward exec). */
  contained_by?: 'sandbox';
}

export interface Gate {
  /** Decides synchronously; with `deferParser`, throws ParserNotReady when the text needs the grammar. */
  decide(input: GateInput): GateDecision;
  /** Decides, loading the shell grammar first when the command needs it. Same decision as `decide`. */
  decideAsync(input: GateInput): Promise<GateDecision>;
}

/** Tools whose arguments leave the machine or go to another program. */
const CARRIES = new Set(['fetch', 'search-web', 'unknown']);

const round = (n: number) => Math.round(n * 100) / 100;

/** The risk a reason's rule carries (a rule the gate does not know counts as the highest). */
const riskOfRule = (id: string) =>
  (TAXONOMY as Record<string, { risk: number }>)[id]?.risk ??
  (TOOL_RULES as Record<string, { risk: number }>)[id]?.risk ??
  1;

function reason(rule: RuleId, detail: string): RiskReason {
  const t = TAXONOMY[rule];
  return { rule_id: rule, category: t.category, attack_id: t.attack, detail: `${t.reason}: ${detail}` };
}

/**
 * Creates the approval gate. Initialises the shell parser once; `decide` is synchronous and fast.
 * `deferParser` (one-shot commands): the WASM grammar loads only when a command is more than plain words.
 */
export async function createGate(opts: {
  policy: ResolvedPolicy;
  workspace: string;
  deferParser?: boolean;
  /** The agent's home directory, for `~` in tool arguments. */
  home?: string;
  /** Ward's data directory, protected from tool writes like configuration. */
  dataDir?: string;
  /** Resolves symlinks of a path's longest existing prefix (the caller's I/O; the gate does none). */
  realpath?: (path: string) => string | undefined;
  /** Reads a file the call writes, to judge a script's edit in place (the caller's I/O; without it, pieces). */
  readText?: ReadText;
  /** Lists a directory a build tool finds its files in by a pattern (the caller's I/O; without it, unknown). */
  listDir?: ListDir;
}): Promise<Gate> {
  const deferred = opts.deferParser ? deferredShellParser() : undefined;
  const parser = deferred ?? (await initShellParser());
  const { policy } = opts;
  const workspace = opts.workspace.replace(/\/+$/, '') || '/';

  function decide(input: GateInput): GateDecision {
    const reasons: RiskReason[] = [];
    let risk = 0;
    let analysis: Analysis | null = null;
    let toolFacts: Analysis['facts'] | null = null;
    const access = input.tool === undefined ? 'shell' : toolAccess(input.tool);
    const shell = access === 'shell';
    if (!shell && input.tool !== undefined) {
      const t = analyzeToolCall(input.tool, input.toolInput ?? {}, {
        workspace,
        home: opts.home ?? '',
        cwd: input.cwd,
        dataDir: opts.dataDir,
        realpath: opts.realpath,
        denyHosts: policy.hosts.deny,
      });
      for (const f of t.findings) {
        const r = TOOL_RULES[f.rule];
        risk = Math.max(risk, r.risk);
        reasons.push({
          rule_id: f.rule,
          category: r.category,
          attack_id: r.attack,
          detail: `${r.reason}: ${f.detail}`,
        });
      }
      toolFacts = { argvs: [], paths: t.paths, hosts: t.hosts };
      // A script or build file written now and run by a later call is judged now, as its commands typed.
      const w = writtenScriptReasons(input.tool, access, input.toolInput ?? {}, {
        parser,
        policy,
        workspace,
        home: opts.home ?? '',
        cwd: input.cwd,
        resolve: (p) => {
          const abs = resolveToolPath(p, { workspace, home: opts.home ?? '', cwd: input.cwd }) ?? p;
          return opts.realpath?.(abs) ?? abs;
        },
        readText: opts.readText,
      });
      risk = Math.max(risk, w.risk);
      reasons.push(...w.reasons);
    }
    // An unknown tool (an MCP server's) that takes a command line gets that line analysed like the shell's.
    const shellText = shell
      ? input.command
      : access === 'unknown'
        ? embeddedCommand(input.toolInput, input.tool)
        : undefined;
    // A credential written into a command line, or into the arguments of a call that reaches other programs or
    // hosts (a fetch, a web search, an MCP tool), not into a local file's contents.
    const written = credentialsWrittenOut(
      shell ? [input.command] : CARRIES.has(access) ? [argumentText(input.toolInput ?? {})] : [],
    );
    if (written.length > 0) {
      risk = Math.max(risk, TAXONOMY['cred.written-out'].risk);
      reasons.push(reason('cred.written-out', written.join(', ')));
    }
    if (shellText !== undefined) {
      const judged = judgeShellText(shellText, {
        parser,
        policy,
        workspace,
        home: opts.home ?? '',
        cwd: input.cwd,
        credentialWritten: written.length > 0,
        // A script the command runs is judged by what it holds now, however it was written (a name no kind
        // marks, `cp`, `mv`, `sed -i`): the write may have escaped the write-time judgement.
        readScript: opts.readText && scriptReader(opts.readText, opts.home ?? ''),
        listDir: opts.listDir && dirLister(opts.listDir, opts.home ?? ''),
      });
      analysis = judged.analysis;
      risk = Math.max(risk, judged.risk);
      reasons.push(...judged.reasons);
    }
    const t = policy.thresholds;
    const facts = joinFacts(analysis?.facts ?? null, toolFacts); // a tool's own and its command line's
    let decision: Decision = risk >= t.deny ? 'deny' : risk >= t.ask ? 'ask' : 'allow';
    if (
      policy.mode === 'strict' &&
      decision === 'allow' &&
      (input.tool !== undefined || !knownSafe(analysis))
    ) {
      decision = 'ask';
      reasons.push({
        rule_id: 'mode.strict',
        category: 'execution',
        attack_id: '',
        detail: 'strict mode asks for anything not known safe',
      });
    }

    // Policy rules: strictest matching rule; an allow rule may lift an ask but never a deny.
    // Tool rules match tool names; path and host rules match any call's facts; command rules only shell text.
    const matched = policy.rules.filter((r: CompiledRule) =>
      r.subject === 'tool'
        ? r.test(input.command, null, input.tool)
        : r.subject === 'command'
          ? shell && r.test(input.command, analysis?.facts ?? null)
          : r.test(input.command, facts),
    );
    if (matched.length > 0) {
      const ruleDecision = matched.map((r) => r.decision).reduce(strictest);
      for (const r of matched)
        reasons.push({
          rule_id: `policy.${r.layer}.${r.id}`,
          category: 'policy',
          attack_id: '',
          detail: `${r.decision}: ${r.reason}`,
        });
      decision =
        ruleDecision === 'allow'
          ? decision === 'deny'
            ? 'deny'
            : 'allow'
          : strictest(decision, ruleDecision);
      if (ruleDecision === 'deny') risk = Math.max(risk, t.deny);
    }

    // Grants: lift an ask for a granted prefix, never a deny or a riskier use.
    // The analysis runs the text after a synthetic `cd <cwd>` when cwd is not the workspace: not the command's own.
    const synthetic = input.cwd && input.cwd !== workspace && analysis?.facts.argvs[0]?.[0] === 'cd' ? 1 : 0;
    const argvs = analysis?.facts.argvs.slice(synthetic) ?? [];
    const argv = argvs[0] ?? [];
    // `NAME=value cmd` is not the command a grant was made for (its argv hides the assignment).
    const singleCommand = argvs.length === 1 && !analysis?.facts.assigned;
    // Only a shell command, as grants are only offered for one: not a tool call whose arguments hold a
    // command line (an MCP tool running it elsewhere, on another host, is not the command approved).
    if (
      decision === 'ask' &&
      input.grants &&
      input.tool === undefined &&
      singleCommand &&
      matched.every((r) => r.decision === 'allow')
    ) {
      // Each kind of risk that asks (a rule at or above the ask threshold) must be one the approved command had:
      // a grant for a download is not one for writing ~/.local/bin/git, however equal their scores.
      const asking = (rs: readonly RiskReason[]) =>
        new Set(rs.filter((r) => riskOfRule(r.rule_id) >= t.ask).map((r) => r.rule_id));
      const kinds = asking(reasons);
      // A grant made before installs were refused grants covers no install either.
      const installs = installRefusal(kinds) !== null;
      const approvedKinds = (command: string | undefined) => {
        if (!command || installs) return false;
        const had = asking(decide({ command, ...(input.cwd ? { cwd: input.cwd } : {}) }).reasons);
        return [...kinds].every((id) => had.has(id));
      };
      const g = input.grants.find(
        (g) => g.prefix.every((w, i) => argv[i] === w) && risk <= g.max_risk && approvedKinds(g.command),
      );
      if (g) {
        decision = 'allow';
        reasons.push({
          rule_id: 'grant',
          category: 'policy',
          attack_id: '',
          detail: `granted by ${g.granted_by} (${g.scope}${g.id ? ` grant ${g.id}` : ''}) for '${g.prefix.join(' ')}'`,
        });
      }
    }

    let containedBy: 'sandbox' | undefined;
    if (decision === 'ask' && input.contained === 'sandbox') {
      const what = containedBySandbox(reasons, riskOfRule, facts, {
        askThreshold: t.ask,
        workspace,
        writable: policy.sandbox.writable ?? [],
        home: opts.home ?? '',
      });
      if (what) {
        decision = 'allow';
        containedBy = 'sandbox';
        reasons.push({
          rule_id: 'mode.contained',
          category: 'policy',
          attack_id: '',
          detail: `allowed only because Ward's sandbox contains it (${what}: outside the workspace is read-only there); unsandboxed this asks`,
        });
      }
    }

    // The session's risk, or a secret it read before a send, turns an allow into an ask (never anything else).
    const sends = input.readEarlier ? sendOf(reasons, facts, input) : null;
    const escalation =
      decision === 'allow' ? escalationReason(input, policy.escalationThreshold, sends) : null;
    const escalated = escalation !== null;
    if (escalation) {
      decision = 'ask';
      reasons.push(escalation);
    }
    if (policy.mode === 'ci' && decision === 'ask') {
      decision = 'deny';
      reasons.push({
        rule_id: 'mode.ci',
        category: 'policy',
        attack_id: '',
        detail: 'ci mode never asks: denied',
      });
    }
    const grantable =
      decision === 'ask' &&
      !escalated &&
      singleCommand &&
      refuseReason(grantPrefix(argv)) === null &&
      installRefusal(reasons.map((r) => r.rule_id)) === null &&
      input.tool === undefined;
    return {
      decision,
      risk: round(risk),
      reasons,
      mode: policy.mode,
      grantable,
      escalated,
      ...(containedBy && decision === 'allow' ? { contained_by: containedBy } : {}),
    };
  }
  async function decideAsync(input: GateInput): Promise<GateDecision> {
    try {
      return decide(input);
    } catch (err) {
      if (!(deferred && err instanceof ParserNotReady)) throw err;
      await deferred.load();
      return decide(input);
    }
  }
  return { decide, decideAsync };
}

/**
 * A command line inside a tool's arguments (`command`, `cmd`, `script`; an argv array, or `command` plus
 * `args`, is joined with each word quoted, so `["sh","-c","cat ~/.ssh/id_rsa"]` stays one `-c` script).
 */
function embeddedCommand(input: Record<string, unknown> | undefined, tool = ''): string | undefined {
  // What a tool types into a running shell or REPL (`interact_with_process {input}`, `send_keys`) is a command line.
  const typed = /process|terminal|shell|repl|tmux|send_keys|pty/i.test(tool)
    ? [input?.input, input?.keys, input?.text].find((v) => typeof v === 'string' && v.trim() !== '')
    : undefined;
  if (typeof typed === 'string') return typed;
  const words = (v: unknown): string[] | undefined =>
    Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'string') ? (v as string[]) : undefined;
  const args = words(input?.args) ?? words(input?.arguments);
  for (const key of ['command', 'cmd', 'script', 'shell_command', 'commandLine', 'argv']) {
    const v = input?.[key];
    if (typeof v === 'string' && v.trim() !== '') return args ? [v, ...args].map(quoteWord).join(' ') : v;
    const argv = words(v);
    if (argv) return [...argv, ...(args ?? [])].map(quoteWord).join(' ');
  }
  return undefined;
}

/** One word for a POSIX shell: plain words as they are, anything else single-quoted. */
function quoteWord(w: string): string {
  return /^[\w@%+=:,./-]+$/.test(w) ? w : `'${w.replaceAll("'", "'\\''")}'`;
}
