import type { ApprovalPort, RiskReason, WaitOutcome } from '../../schema/index.js';

/** What the approval gate answers (gate/ `Gate.decide`). */
export interface GateVerdict {
  decision: 'allow' | 'ask' | 'deny';
  risk: number;
  reasons: RiskReason[];
  mode: string;
  grantable?: boolean;
  escalated?: boolean;
}

/** Exit code of a command the gate (or a human) refused: nothing ran. */
export const REFUSED_EXIT = 126;

/** The approval port's part that asking a human needs (grants are read before, by the gate's caller). */
export type AskPort = Pick<ApprovalPort, 'request' | 'waitForDecision'> &
  Partial<Pick<ApprovalPort, 'urlFor'>>;

/** Where the ladder stopped: callers word their answer from it (a hook, `ward exec`, the network proxy). */
export type AskStep = 'gate' | 'ci' | 'no-port' | 'request-failed' | 'waited';

/** The final decision on one verdict: run it or not, and why. */
export interface GateOutcome {
  run: boolean;
  decision: 'allow' | 'deny';
  /** Who decided: the gate's policy, a human, or a timeout / failure (fail closed). */
  source: 'gate' | 'user' | 'timeout' | 'error';
  reason: string;
  verdict: GateVerdict;
  step: AskStep;
  /** With `request-failed` the error, with `waited` the wait's own reason (no prefix). */
  detail?: string;
  /** With `waited`: how the wait ended. */
  status?: WaitOutcome['status'];
  approvalId?: string;
  /** Who decided the approval (its `decided_by`), when a human did. */
  decidedBy?: string;
}

/** What the human is asked about. */
export interface AskRequest {
  session: string;
  agent: string;
  /** What a human reviewing the approval sees as "the command". */
  command: string;
  cwd: string;
  /** Absolute workspace path: the project a project-scoped grant made from this approval covers. */
  project: string;
}

export interface AskHumanOptions {
  /**
   * Ward's approvals, or a factory that makes them on first use (its schemas load only when a human is asked;
   * a factory that throws is a failed request). Absent: nobody can be asked, an ask is refused.
   */
  approvals?: AskPort | (() => Promise<AskPort>) | undefined;
  request: AskRequest;
  /** Longest wait for a human (ms); the server's deadline is set to match. Default 300 s. */
  waitMs?: number;
  signal?: AbortSignal;
  /** Told when the request is made, before the wait (default: nothing). */
  onWaiting?: (id: string, url: string | undefined) => void;
}

/** The gate's findings as one line. */
export function summarizeReasons(reasons: readonly RiskReason[]): string {
  if (reasons.length === 0) return 'no specific finding';
  return reasons.map((r) => `${r.detail} [${r.rule_id}${r.attack_id ? ` ${r.attack_id}` : ''}]`).join('; ');
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

/**
 * The one "ask a human" flow, for `ward exec`, the agent hooks and the network proxy: a verdict in, the final
 * decision out. Allow runs and deny refuses; an ask in ci mode never waits; otherwise an approval is requested
 * through the port and a human's approval is the only way to run. Fails closed: no port, a request that
 * fails, an unreachable server, a timeout or anything but `approved` refuse. Never throws.
 */
export async function askHuman(verdict: GateVerdict, o: AskHumanOptions): Promise<GateOutcome> {
  const why = summarizeReasons(verdict.reasons);
  const refuse = (source: GateOutcome['source'], step: AskStep, reason: string): GateOutcome => ({
    run: false,
    decision: 'deny',
    source,
    reason,
    verdict,
    step,
  });
  if (verdict.decision === 'allow')
    return { run: true, decision: 'allow', source: 'gate', reason: why, verdict, step: 'gate' };
  // Anything but allow and ask (a malformed verdict too) is a deny.
  if (verdict.decision !== 'ask') return refuse('gate', 'gate', `denied by policy: ${why}`);
  // The gate already turns asks into denies in ci mode; this holds for any verdict that reaches here.
  if (verdict.mode === 'ci') return refuse('gate', 'ci', `needs approval, and ci mode never waits: ${why}`);
  if (!o.approvals)
    return refuse(
      'error',
      'no-port',
      `needs approval (${why}) but no Ward server is configured (--server / WARD_SERVER)`,
    );
  const waitMs = o.waitMs ?? 300_000;
  let port: AskPort;
  let id: string;
  try {
    port = typeof o.approvals === 'function' ? await o.approvals() : o.approvals;
    ({ id } = await port.request({
      session_id: o.request.session,
      agent: o.request.agent,
      command: o.request.command,
      cwd: o.request.cwd,
      risk: verdict.risk,
      reasons: verdict.reasons.slice(0, 64),
      timeout_s: Math.min(3600, Math.max(1, Math.ceil(waitMs / 1000))),
      project: o.request.project,
      grantable: verdict.grantable ?? false,
    }));
  } catch (err) {
    const outcome = refuse(
      'error',
      'request-failed',
      `needs approval but the request failed: ${message(err)}`,
    );
    return { ...outcome, detail: message(err) };
  }
  o.onWaiting?.(id, port.urlFor?.(id));
  let waited: WaitOutcome;
  try {
    // A little longer than the server's deadline, so the server's own expiry is what normally answers.
    waited = await port.waitForDecision(id, {
      timeoutMs: waitMs + 5_000,
      ...(o.signal ? { signal: o.signal } : {}),
    });
  } catch (err) {
    waited = { status: 'denied', reason: `the wait failed: ${message(err)}` };
  }
  const decided = {
    verdict,
    step: 'waited' as const,
    detail: waited.reason,
    status: waited.status,
    approvalId: id,
    ...(waited.approval?.decided_by ? { decidedBy: waited.approval.decided_by } : {}),
  };
  if (waited.status === 'approved')
    return { run: true, decision: 'allow', source: 'user', reason: waited.reason, ...decided };
  const source =
    waited.status === 'expired' || /no decision within/.test(waited.reason)
      ? 'timeout'
      : waited.approval
        ? 'user'
        : 'error';
  return { run: false, decision: 'deny', source, reason: `${waited.status}: ${waited.reason}`, ...decided };
}
