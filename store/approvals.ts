import { Approval, type ApprovalStatus, type GrantScope, RiskReason } from '../schema/index.js';
import type { Db } from './db.js';
import { clickhouseTimeToIso } from './rows/common.js';

const COLUMNS = `id, created_at, expires_at, session_id, agent, command, cwd, risk, reasons, requested_by, status, scope,
  decided_by, decided_at, decision_reason, project, grantable, requester_id, command_sha256, version`;

/** approvals row as ClickHouse returns it. */
interface ApprovalRow extends Omit<Approval, 'reasons' | 'decided_at' | 'risk' | 'grantable' | 'signature'> {
  risk: number | string;
  grantable: number | string | boolean;
  reasons: string;
  decided_at: string | null;
  version: string | number;
}

function rowToApproval(r: ApprovalRow): Approval {
  let reasons: Approval['reasons'] = [];
  try {
    const parsed = RiskReason.array().safeParse(JSON.parse(r.reasons));
    if (parsed.success) reasons = parsed.data;
  } catch {
    // a row written by something else: keep the approval, drop the unreadable reasons
  }
  return Approval.parse({
    id: r.id,
    created_at: clickhouseTimeToIso(r.created_at),
    expires_at: clickhouseTimeToIso(r.expires_at),
    session_id: r.session_id,
    agent: r.agent,
    command: r.command,
    cwd: r.cwd,
    risk: Number(r.risk),
    reasons,
    requested_by: r.requested_by,
    requester_id: r.requester_id ?? '',
    ...(r.command_sha256 ? { command_sha256: r.command_sha256 } : {}),
    status: r.status,
    scope: r.scope,
    decided_by: r.decided_by,
    decided_at: r.decided_at ? clickhouseTimeToIso(r.decided_at) : '',
    decision_reason: r.decision_reason,
    project: r.project,
    grantable: Number(r.grantable) === 1 || r.grantable === true,
  });
}

function approvalToRow(a: Approval, version: number): Record<string, unknown> {
  // The signature is made when served, with the server's key; it is never stored.
  const { signature: _unsigned, ...row } = a;
  return {
    ...row,
    reasons: JSON.stringify(a.reasons),
    decided_at: a.decided_at || null,
    project: a.project ?? '',
    grantable: a.grantable ? 1 : 0,
    version,
  };
}

/** The final state an approval moves to, and who/why. */
export interface ApprovalResolution {
  status: Exclude<ApprovalStatus, 'pending'>;
  scope: GrantScope | '';
  decided_by: string;
  decision_reason: string;
  decided_at?: string;
}

/** Result of a conditional state change: the approval after it, or the (already final) approval that refused it. */
export type ResolveResult =
  | { ok: true; approval: Approval }
  | { ok: false; reason: 'unknown' | 'final'; approval?: Approval };

/**
 * Approval requests as versioned rows: every change inserts a new version, reads take the latest (FINAL).
 * Changes are conditional on the request still being pending; callers serialize changes per id in-process.
 */
export function createApprovalsRepo(db: Db, database: string) {
  const table = `"${database}".approvals`;
  let lastVersion = 0;
  // Versions must grow per id even when two changes land in the same millisecond.
  const nextVersion = () => {
    lastVersion = Math.max(Date.now() * 1000, lastVersion + 1);
    return lastVersion;
  };

  async function get(id: string): Promise<Approval | null> {
    const [row] = await db.query<ApprovalRow>(
      'approvals.get',
      `SELECT ${COLUMNS} FROM ${table} FINAL WHERE id = {id:String}`,
      { id },
    );
    return row ? rowToApproval(row) : null;
  }

  async function resolve(id: string, change: ApprovalResolution): Promise<ResolveResult> {
    const current = await get(id);
    if (!current) return { ok: false, reason: 'unknown' };
    if (current.status !== 'pending') return { ok: false, reason: 'final', approval: current };
    const next: Approval = {
      ...current,
      status: change.status,
      scope: change.scope,
      decided_by: change.decided_by,
      decision_reason: change.decision_reason,
      decided_at: change.decided_at ?? new Date().toISOString(),
    };
    await db.insert('approvals.resolve', 'approvals', [approvalToRow(next, nextVersion())]);
    return { ok: true, approval: next };
  }

  return {
    async create(approval: Approval): Promise<void> {
      await db.insert('approvals.create', 'approvals', [approvalToRow(approval, nextVersion())]);
    },
    get,
    /** Newest first; `requester` limits the list to one token's requests (what a runner may see). */
    async list(q: { status?: ApprovalStatus; limit?: number; requester?: string } = {}): Promise<Approval[]> {
      const rows = await db.query<ApprovalRow>(
        'approvals.list',
        `SELECT ${COLUMNS} FROM ${table} FINAL
         WHERE ({status:String} = '' OR status = {status:String})
           AND ({requester:String} = '' OR requester_id = {requester:String})
         ORDER BY created_at DESC, id DESC LIMIT {limit:UInt32}`,
        { status: q.status ?? '', limit: q.limit ?? 100, requester: q.requester ?? '' },
      );
      return rows.map(rowToApproval);
    },
    /** Pending requests whose deadline is at or before `now`. */
    async overdue(now: Date = new Date()): Promise<Approval[]> {
      const rows = await db.query<ApprovalRow>(
        'approvals.overdue',
        `SELECT ${COLUMNS} FROM ${table} FINAL
         WHERE status = 'pending' AND expires_at <= parseDateTime64BestEffort({now:String}, 3, 'UTC')
         ORDER BY expires_at LIMIT 1000`,
        { now: now.toISOString() },
      );
      return rows.map(rowToApproval);
    },
    /** The earliest deadline among pending requests, or null when none is pending. */
    async nextDeadline(): Promise<string | null> {
      const [row] = await db.query<{ t: string | null; n: string }>(
        'approvals.next-deadline',
        `SELECT min(expires_at) AS t, count() AS n FROM ${table} FINAL WHERE status = 'pending'`,
      );
      return row && Number(row.n) > 0 && row.t ? clickhouseTimeToIso(row.t) : null;
    },
    /** approve/deny a pending request (a new row version); refuses unknown and already-final requests. */
    decide(id: string, change: ApprovalResolution): Promise<ResolveResult> {
      return resolve(id, change);
    },
    /** Marks a pending request expired (an expiry is a deny). */
    expire(id: string, at: string = new Date().toISOString()): Promise<ResolveResult> {
      return resolve(id, {
        status: 'expired',
        scope: '',
        decided_by: 'timeout',
        decision_reason: 'no decision before the deadline',
        decided_at: at,
      });
    },
  };
}
export type ApprovalsRepo = ReturnType<typeof createApprovalsRepo>;
