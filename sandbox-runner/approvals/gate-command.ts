import type { RiskReason } from '../../schema/index.js';
import type { ApprovalClient } from './client.js';

/** What the approval gate answers (sandbox-runner/gate `Gate.decide`). */
export interface GateVerdict {
  decision: 'allow' | 'ask' | 'deny';
  risk: number;
  reasons: RiskReason[];
  mode: string;
  grantable?: boolean;
  escalated?: boolean;
}

/** The part of the gate this module needs. */
export interface GateLike {
  decide(input: { command: string; cwd: string }): GateVerdict | Promise<GateVerdict>;
}

/** Exit code of a command the gate (or a human) refused: nothing ran. */
export const REFUSED_EXIT = 126;

export interface GateCommandOptions {
  gate: GateLike;
  /** Absent when no server is configured: an ask can then only be refused. */
  client?: ApprovalClient;
  command: string;
  session: string;
  agent: string;
  cwd: string;
  /** Absolute workspace path: the project a project-scoped grant made from this approval covers. */
  project?: string;
  /** The gate's mode; `ci` never waits for a human. */
  mode: string;
  /** Longest wait for a human (ms); the server's deadline is set to match. Default 300 s. */
  waitMs?: number;
  stderr?: { write(s: string): unknown };
  signal?: AbortSignal;
}

/** The gate's outcome for one command: run it or not, and why. */
export interface GateOutcome {
  run: boolean;
  decision: 'allow' | 'deny';
  /** Who decided: the gate's policy, a human, or a timeout / failure (fail closed). */
  source: 'gate' | 'user' | 'timeout' | 'error';
  reason: string;
  verdict: GateVerdict;
  approvalId?: string;
  /** Who decided the approval (its `decided_by`), when a human did. */
  decidedBy?: string;
}

export function summarizeReasons(reasons: readonly RiskReason[]): string {
  if (reasons.length === 0) return 'no specific finding';
  return reasons.map((r) => `${r.detail} [${r.rule_id}${r.attack_id ? ` ${r.attack_id}` : ''}]`).join('; ');
}

/**
 * Asks the gate about one command; on `ask`, creates an approval and waits for a human. Fails closed:
 * no server, an unreachable server, an error or a timeout all refuse the command.
 */
export async function gateCommand(o: GateCommandOptions): Promise<GateOutcome> {
  const out = o.stderr ?? { write: () => {} };
  let verdict: GateVerdict;
  try {
    verdict = await o.gate.decide({ command: o.command, cwd: o.cwd });
  } catch (err) {
    const reason = `the gate failed: ${err instanceof Error ? err.message : String(err)}`;
    return {
      run: false,
      decision: 'deny',
      source: 'error',
      reason,
      verdict: { decision: 'deny', risk: 1, reasons: [], mode: o.mode },
    };
  }
  const why = summarizeReasons(verdict.reasons);
  if (verdict.decision === 'allow')
    return { run: true, decision: 'allow', source: 'gate', reason: why, verdict };
  if (verdict.decision === 'deny')
    return { run: false, decision: 'deny', source: 'gate', reason: `denied by policy: ${why}`, verdict };
  if (o.mode === 'ci')
    return {
      run: false,
      decision: 'deny',
      source: 'gate',
      reason: `needs approval, and ci mode never waits: ${why}`,
      verdict,
    };
  if (!o.client) {
    return {
      run: false,
      decision: 'deny',
      source: 'error',
      reason: `needs approval (${why}) but no Ward server is configured (--server / WARD_SERVER)`,
      verdict,
    };
  }
  const waitMs = o.waitMs ?? 300_000;
  let id: string;
  try {
    const approval = await o.client.request({
      session_id: o.session,
      agent: o.agent,
      command: o.command,
      cwd: o.cwd,
      risk: verdict.risk,
      reasons: verdict.reasons.slice(0, 64),
      timeout_s: Math.min(3600, Math.max(1, Math.ceil(waitMs / 1000))),
      project: o.project ?? '',
      grantable: verdict.grantable ?? false,
    });
    id = approval.id;
  } catch (err) {
    return {
      run: false,
      decision: 'deny',
      source: 'error',
      reason: `needs approval but the request failed: ${err instanceof Error ? err.message : String(err)}`,
      verdict,
    };
  }
  out.write(`ward: waiting for approval ${id} at ${o.client.urlFor(id)} (${why})\n`);
  // A little longer than the server's deadline, so the server's own expiry is what normally answers.
  const outcome = await o.client.waitForDecision(id, { timeoutMs: waitMs + 5_000, signal: o.signal });
  const decidedBy = outcome.approval?.decided_by ? { decidedBy: outcome.approval.decided_by } : {};
  if (outcome.status === 'approved')
    return {
      run: true,
      decision: 'allow',
      source: 'user',
      reason: outcome.reason,
      verdict,
      approvalId: id,
      ...decidedBy,
    };
  const source =
    outcome.status === 'expired' || /no decision within/.test(outcome.reason)
      ? 'timeout'
      : outcome.approval
        ? 'user'
        : 'error';
  return {
    run: false,
    decision: 'deny',
    source,
    reason: `${outcome.status}: ${outcome.reason}`,
    verdict,
    approvalId: id,
    ...decidedBy,
  };
}
