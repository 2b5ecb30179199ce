import {
  type Approval,
  type GrantRecord,
  type GrantRule,
  OWN_ROWS_ONLY,
  type SignedDecisionFields,
  type SignedGrantFields,
} from '../../schema/index.js';
import type { Store } from '../../store/index.js';
import type { AskRate } from './ask-rate.js';

/** What the approval service needs: the store, and optional redaction, scoring, signing and timings. */
export interface ApprovalServiceDeps {
  store: Pick<Store, 'approvals' | 'audit' | 'events' | 'grants'>;
  /** Without it, an approval with scope session or project counts once and says so. */
  grantRule?: GrantRule;
  log?: (msg: string) => void;
  /** Redacts secrets from requester text (command, cwd, reasons) and decision reasons before they are stored. */
  redact?: (text: string) => string;
  /**
   * The server's own risk score for a command (the gate with the server's policy). The stored risk is the
   * higher of it and the runner's claim (a runner cannot play a command down to the analyst); a grant's
   * ceiling is the server's score alone (a runner cannot widen a grant). Without it, no grant is made.
   */
  riskOf?: (command: string) => Promise<number>;
  /** Signs a decided approval (the server's Ed25519 decision key); without it answers carry no signature. */
  signDecision?: (a: SignedDecisionFields) => string;
  /** Signs a grant as served (the same key); without it grants carry no signature. */
  signGrant?: (g: SignedGrantFields) => string;
  /** Longest a timer waits before re-checking (a clock jump or a far deadline; ms). */
  /**
   * Longest a read of a request waits for its decision's audit record (ms, default 2000); then it answers with
   * the request as it was before the decision.
   */
  holdWaitMs?: number;
  maxTimerMs?: number;
  /**
   * How often waiters on this instance re-read their requests from the store (ms, default 500): a decision
   * made on another instance behind the same load balancer reaches them within this bound. One query per
   * interval for all of this instance's waiters, none while nobody waits.
   */
  pollMs?: number;
  /** How often this instance expires overdue requests, whoever created them (ms, default 5000). */
  sweepMs?: number;
  /** Approval requests one token may make per window (default DEFAULT_ASK_RATE, collector/approvals/ask-rate.ts). */
  askRate?: AskRate;
}

/** Result of a decision: the final approval and the grant it made (or why none), or why there is none. */
export type DecideResult =
  | { ok: true; approval: Approval; grant: GrantRecord | null; noGrantReason: string }
  | { ok: false; reason: 'unknown' | 'final' | 'own-request'; approval?: Approval };

/** The caller of a service method: the token's id, its name and role (see collector/middleware/auth.ts). */
export interface Caller {
  id: string;
  name: string;
  role: string;
}

/** Runners see only their own requests and grants (the token id to filter by); other readers see all. */
export function ownedBy(caller: Pick<Caller, 'id' | 'role'>): string | undefined {
  return (OWN_ROWS_ONLY as readonly string[]).includes(caller.role) ? caller.id : undefined;
}

/** True once the approval is no longer pending (approved, denied or expired). */
export function isFinal(a: Pick<Approval, 'status'>): boolean {
  return a.status !== 'pending';
}
/** Pending requests one token may hold at once: enough for any real agent, too few to bury a queue. */
export const MAX_PENDING_PER_TOKEN = 64;

/** Thrown by create when the caller already has MAX_PENDING_PER_TOKEN requests pending (the route: 429). */
/** Most stored text a runner's list of its own approvals reads (store lists are bounded for everyone). */
export const RUNNER_LIST_BYTES = 1024 * 1024;

export class TooManyPending extends Error {
  constructor(readonly limit: number) {
    super(`this token already has ${limit} approval requests pending: wait for decisions (or their expiry)`);
  }
}

/**
 * A decision stored while the audit trail refused its record twice: it stands, its record is appended again in
 * the background, and no runner is told of it until the trail has it.
 */
export class AuditPendingError extends Error {
  constructor(cause: unknown) {
    super(
      `the decision is stored, but the audit trail refused its record (${cause instanceof Error ? cause.message : String(cause)}); the runner is told once the record is stored (retrying)`,
    );
    this.name = 'AuditPendingError';
  }
}
