import { randomInt } from 'node:crypto';
import { Approval, type ApprovalStatus, type GrantScope, RiskReason } from '../schema/index.js';
import { createApprovalCache } from './approvals-cache.js';
import type { Db } from './db.js';
import { clickhouseTimeToIso } from './rows/common.js';
import { wellFormed } from './rows/well-formed.js';

const COLUMNS = `id, created_at, expires_at, session_id, agent, command, cwd, risk, reasons, requested_by, status, scope,
  decided_by, decided_at, decision_reason, project, grantable, requester_id, command_sha256, version`;

/** Bytes of a row's text columns: what a list of approvals costs to read and send. */
const ROW_TEXT_BYTES =
  'length(command) + length(reasons) + length(cwd) + length(project) + length(decision_reason) + length(session_id) + length(agent) + 512';

/** Most stored text one list of approvals reads (the newest first; always at least one request). */
export const LIST_MAX_BYTES = 32 * 1024 * 1024;

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

/** A stored approval with the row version it was read at (change feeds page on it). */
export interface VersionedApproval {
  approval: Approval;
  version: number;
}

/** An approval as a read of its row returns it (what the cache keeps must equal what the table gives). */
function normalized(v: VersionedApproval): VersionedApproval {
  const row = wellFormed(approvalToRow(v.approval, v.version)) as unknown as ApprovalRow;
  return { approval: rowToApproval(row), version: v.version };
}

/** Whether two final states are the same decision (the row read back is the one this instance wrote). */
function sameResolution(a: Approval, b: Approval): boolean {
  return (
    a.status === b.status &&
    a.scope === b.scope &&
    a.decided_by === b.decided_by &&
    a.decision_reason === b.decision_reason &&
    Date.parse(a.decided_at) === Date.parse(b.decided_at)
  );
}

/**
 * Approval requests as versioned rows: every change inserts a new version, reads take the latest (FINAL).
 * Changes are conditional on the request still being pending. Across server instances the first final
 * version wins: it is inserted with the deduplication token `resolve:<id>` (ClickHouse keeps only the first
 * insert with a token; migration 55), and each caller reads back which decision was kept. Callers still
 * serialize changes per id in-process (one query round instead of a lost race). With `exclusive` (the embedded
 * engine: its data dir is locked by one process) a change made right after the caller's own read is not read back,
 * and a request's reads come from what this process last wrote or read (store/approvals-cache.ts).
 */
export function createApprovalsRepo(db: Db, database: string, opts: { exclusive?: boolean } = {}) {
  const table = `"${database}".approvals`;
  let lastVersion = 0;
  // Versions grow per id even when two changes land in the same millisecond, and a final version is always
  // above the version it replaces (another instance's clock may run behind the one that created the row).
  // The random microseconds keep two instances deciding in the same millisecond apart.
  const nextVersion = (above = 0) => {
    lastVersion = Math.max(Date.now() * 1000 + randomInt(1000), lastVersion + 1, above + 1);
    return lastVersion;
  };
  // Every insert here names its token: the embedded engine keeps a query's settings for the next query on
  // its session, so an insert without one would inherit the previous resolve token and be dropped.
  const once = (token: string) => ({
    insert_deduplication_token: token,
    insert_distributed_sync: 1 as const,
  });

  const cache = opts.exclusive ? createApprovalCache() : undefined;
  // Counts the writes begun: a table read keeps its answer only if no write began while it ran (it may have
  // read the row from before that write, and must not put it back after the write's own entry or after a
  // failed write's forgetting).
  let writes = 0;
  // What this process knows of a request is kept only when the table is known to hold it: after a failed
  // insert (it may or may not have landed) the next read goes to the table.
  const written = async (v: VersionedApproval, insert: () => Promise<void>) => {
    writes++;
    try {
      await insert();
    } catch (err) {
      writes++; // a read that ran meanwhile may hold the row from before this write landed
      cache?.forget(v.approval.id);
      throw err;
    }
    cache?.put(normalized(v));
  };

  async function getVersioned(id: string): Promise<VersionedApproval | null> {
    const hit = cache?.get(id);
    if (hit) return hit;
    const before = writes;
    const found = await readTable(id);
    if (found && writes === before) cache?.put(found);
    return found;
  }
  async function readTable(id: string): Promise<VersionedApproval | null> {
    const [row] = await db.query<ApprovalRow>(
      'approvals.get',
      `SELECT ${COLUMNS} FROM ${table} FINAL WHERE id = {id:String}`,
      { id },
    );
    return row ? { approval: rowToApproval(row), version: Number(row.version) } : null;
  }
  async function get(id: string): Promise<Approval | null> {
    return (await getVersioned(id))?.approval ?? null;
  }

  async function resolve(
    id: string,
    change: ApprovalResolution,
    read?: VersionedApproval | null,
  ): Promise<ResolveResult> {
    // A caller that just read the row (under its per-id lock) passes it: one statement less. Were it stale
    // (decided on another instance since), the insert below is dropped by its token and the read-back says so.
    const found = read === undefined ? await getVersioned(id) : read;
    if (!found) return { ok: false, reason: 'unknown' };
    const current = found.approval;
    if (current.status !== 'pending') return { ok: false, reason: 'final', approval: current };
    const next: Approval = {
      ...current,
      status: change.status,
      scope: change.scope,
      decided_by: change.decided_by,
      decision_reason: change.decision_reason,
      decided_at: change.decided_at ?? new Date().toISOString(),
    };
    const version = nextVersion(found.version);
    await written({ approval: next, version }, () =>
      db.insert('approvals.resolve', 'approvals', [approvalToRow(next, version)], once(`resolve:${id}`)),
    );
    // The embedded engine's data dir is locked by one process, and this process changes a request only under
    // its per-id lock after reading it: no other writer can have resolved it since, so there is none to read.
    if (opts.exclusive) return { ok: true, approval: normalized({ approval: next, version }).approval };
    // Another instance may have resolved it first: its row was kept and this one dropped.
    const kept = await readTable(id);
    if (kept && kept.version === version && sameResolution(kept.approval, next))
      return { ok: true, approval: kept.approval };
    return { ok: false, reason: 'final', ...(kept ? { approval: kept.approval } : {}) };
  }

  return {
    /**
     * True when this process is the table's only writer (the embedded engine): a change it makes under its
     * per-id lock cannot lose to another instance's, so callers may write its audit record alongside it.
     */
    soleWriter: opts.exclusive === true,
    async create(approval: Approval): Promise<void> {
      const version = nextVersion();
      await written({ approval, version }, () =>
        db.insert(
          'approvals.create',
          'approvals',
          [approvalToRow(approval, version)],
          once(`create:${approval.id}`),
        ),
      );
    },
    get,
    /** The approval with its row version (pass it to `decide` to spare that read). */
    getVersioned,
    /** Newest first; `requester` limits the list to one token's requests (what a runner may see). */
    /**
     * Newest first, at most `limit`, and at most `maxBytes` of stored text (default LIST_MAX_BYTES; at least one
     * request whatever its size). A runner can store thousands of requests of up to ~160 KB each (the command,
     * reasons, paths; ~1 MB each before reasons were bounded): read whole, a list of them held gigabytes (4.8 GB RSS for 32 lists of 58 MB at once). The sizes
     * are read first; only the requests within the budget are read whole.
     */
    async list(
      q: { status?: ApprovalStatus; limit?: number; requester?: string; maxBytes?: number } = {},
    ): Promise<Approval[]> {
      const where = `({status:String} = '' OR status = {status:String})
           AND ({requester:String} = '' OR requester_id = {requester:String})`;
      const params = { status: q.status ?? '', limit: q.limit ?? 100, requester: q.requester ?? '' };
      const sizes = await db.query<{ id: string; n: string | number }>(
        'approvals.list-sizes',
        `SELECT id, ${ROW_TEXT_BYTES} AS n FROM ${table} FINAL WHERE ${where}
         ORDER BY created_at DESC, id DESC LIMIT {limit:UInt32}`,
        params,
      );
      const budget = q.maxBytes ?? LIST_MAX_BYTES;
      const ids: string[] = [];
      let total = 0;
      for (const r of sizes) {
        total += Number(r.n);
        if (ids.length > 0 && total > budget) break;
        ids.push(r.id);
      }
      if (ids.length === 0) return [];
      const rows = await db.query<ApprovalRow>(
        'approvals.list',
        `SELECT ${COLUMNS} FROM ${table} FINAL WHERE id IN {ids:Array(String)} AND ${where}
         ORDER BY created_at DESC, id DESC`,
        { ...params, ids },
      );
      return rows.map(rowToApproval);
    },
    /** Those of `ids` that are final now (what waiters on this instance poll for: decisions made elsewhere). */
    async finalAmong(ids: readonly string[]): Promise<Approval[]> {
      if (ids.length === 0) return [];
      const rows = await db.query<ApprovalRow>(
        'approvals.final-among',
        `SELECT ${COLUMNS} FROM ${table} FINAL WHERE id IN {ids:Array(String)} AND status != 'pending'`,
        { ids },
      );
      return rows.map(rowToApproval);
    },
    /**
     * Requests a person approved or denied between `since` and `until` (ISO times), newest first, at most
     * `limit` (the server's own refusals, decided by `system`, are left out: a runner can cause many).
     */
    async decidedBetween(since: string, until: string, limit = 1000): Promise<Approval[]> {
      const rows = await db.query<ApprovalRow>(
        'approvals.decided-between',
        `SELECT ${COLUMNS} FROM ${table} FINAL
         WHERE status IN ('approved', 'denied') AND decided_by != 'system'
           AND decided_at >= parseDateTime64BestEffort({since:String}, 3, 'UTC')
           AND decided_at <= parseDateTime64BestEffort({until:String}, 3, 'UTC')
         ORDER BY decided_at DESC LIMIT {limit:UInt32}`,
        { since, until, limit },
      );
      return rows.map(rowToApproval);
    },
    /** Approvals whose latest version is above `version`, oldest change first (the change feed's page). */
    async changedSince(version: number, limit = 1000): Promise<VersionedApproval[]> {
      const rows = await db.query<ApprovalRow>(
        'approvals.changed-since',
        `SELECT ${COLUMNS} FROM ${table} FINAL WHERE version > {v:UInt64} ORDER BY version LIMIT {limit:UInt32}`,
        { v: Math.max(0, Math.floor(version)), limit },
      );
      return rows.map((r) => ({ approval: rowToApproval(r), version: Number(r.version) }));
    },
    /**
     * Pending, unexpired requests of one token, counting only those created up to `upTo` (created_at, id)
     * when given: of several requests racing for the last free place, the earliest keeps it.
     */
    async pendingOf(requester: string, upTo?: { created_at: string; id: string }): Promise<number> {
      const [row] = await db.query<{ n: string }>(
        'approvals.pending-of',
        `SELECT count() AS n FROM ${table} FINAL
         WHERE requester_id = {r:String} AND status = 'pending' AND expires_at > now64(3)
           AND ({id:String} = ''
             OR (created_at, id) <= (parseDateTime64BestEffort({at:String}, 3, 'UTC'), {id:String}))`,
        { r: requester, id: upTo?.id ?? '', at: upTo?.created_at ?? '1970-01-01T00:00:00Z' },
      );
      return Number(row?.n ?? 0);
    },
    /** Pending, unexpired requests of one token other than `id` (whether or not `id` is stored yet). */
    async pendingBesides(requester: string, id: string): Promise<number> {
      const [row] = await db.query<{ n: string }>(
        'approvals.pending-of',
        `SELECT count() AS n FROM ${table} FINAL
         WHERE requester_id = {r:String} AND status = 'pending' AND expires_at > now64(3) AND id != {id:String}`,
        { r: requester, id },
      );
      return Number(row?.n ?? 0);
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
    /** How many requests are pending (the overview's number: counted, not read). */
    async pendingCount(): Promise<number> {
      const [row] = await db.query<{ n: string }>(
        'approvals.pending-count',
        `SELECT count() AS n FROM ${table} FINAL WHERE status = 'pending'`,
      );
      return Number(row?.n ?? 0);
    },
    /** The earliest deadline among pending requests, or null when none is pending. */
    async nextDeadline(): Promise<string | null> {
      const [row] = await db.query<{ t: string | null; n: string }>(
        'approvals.next-deadline',
        `SELECT min(expires_at) AS t, count() AS n FROM ${table} FINAL WHERE status = 'pending'`,
      );
      return row && Number(row.n) > 0 && row.t ? clickhouseTimeToIso(row.t) : null;
    },
    /**
     * approve/deny a pending request (a new row version); refuses unknown and already-final requests. `read`:
     * the row as the caller just read it with getVersioned (spares reading it again).
     */
    decide(id: string, change: ApprovalResolution, read?: VersionedApproval | null): Promise<ResolveResult> {
      return resolve(id, change, read);
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
