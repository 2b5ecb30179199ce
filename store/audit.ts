import { randomBytes } from 'node:crypto';
import type { AuditCheckpoint, AuditRecord } from '../schema/index.js';
import { auditHash, canonicalJson, checkpointBody, genesisHash } from './audit-hash.js';
import type { Signer } from './audit-key.js';
import type { Db } from './db.js';
import { clickhouseTimeToIso } from './rows/common.js';

export { auditHash, canonicalJson, checkpointBody, genesisHash } from './audit-hash.js';

/** What a caller appends; writer, seq, time and the hashes are the repository's. */
export interface AuditEntry {
  actor: string;
  action: string;
  target: string;
  /** Serialized as canonical JSON into `details`. */
  details?: unknown;
}

/** A page of records for GET /api/audit. */
export interface AuditPage {
  records: AuditRecord[];
  next_cursor: string | null;
}

export interface AuditQuery {
  from?: string;
  to?: string;
  limit?: number;
  cursor?: string;
}

export interface AuditRepoOptions {
  signer: Signer;
  /** Writer id; default a fresh random one (one chain per store instance). */
  writer?: string;
  /** Sign a checkpoint after this many records (default 64). */
  checkpointEvery?: number;
  /** Sign a checkpoint this long after the last unsigned record (default 30 s; 0 = only by count/close). */
  checkpointAfterMs?: number;
}

export interface AuditRow extends Omit<AuditRecord, 'seq'> {
  seq: string | number;
}

export function rowToRecord(r: AuditRow): AuditRecord {
  return { ...r, seq: Number(r.seq), time: clickhouseTimeToIso(r.time) };
}

export interface CheckpointRow extends Omit<AuditCheckpoint, 'seq'> {
  seq: string | number;
}

export function rowToCheckpoint(r: CheckpointRow): AuditCheckpoint {
  return { ...r, seq: Number(r.seq), time: clickhouseTimeToIso(r.time) };
}

export const RECORD_COLUMNS = 'writer, seq, time, actor, action, target, details, prev_hash, hash';

interface Cursor {
  t: string;
  w: string;
  s: number;
}

function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify(c)).toString('base64url');
}

function decodeCursor(s: string): Cursor {
  try {
    const c = JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as Partial<Cursor>;
    if (
      typeof c.t === 'string' &&
      typeof c.w === 'string' &&
      Number.isSafeInteger(c.s) &&
      !Number.isNaN(Date.parse(c.t))
    )
      return { t: c.t, w: c.w, s: c.s as number };
  } catch {
    // fall through
  }
  throw new RangeError('cursor is not one this server issued');
}

const month = (iso: string) => iso.slice(0, 7);

/**
 * The tamper-evident audit trail. This store instance is one writer: its own hash chain (writer id, seq from
 * 1), appends serialized in-process, and Ed25519-signed checkpoints of its head every N records, T seconds,
 * at each month boundary (retention drops whole months) and on close. Other processes writing to the same
 * ClickHouse are other writers with their own chains, so nothing has to be allocated across processes.
 */
export function createAuditRepo(db: Db, database: string, opts: AuditRepoOptions) {
  const table = `"${database}".audit_chain`;
  const writer = opts.writer ?? `w-${randomBytes(8).toString('hex')}`;
  const every = opts.checkpointEvery ?? 64;
  const afterMs = opts.checkpointAfterMs ?? 30_000;
  let head = { seq: 0, hash: genesisHash(writer), time: '' };
  let signedSeq = -1;
  let queue: Promise<unknown> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  let stale = false;

  function serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = queue.then(fn);
    queue = next.catch(() => {});
    return next;
  }

  async function checkpointNow(): Promise<AuditCheckpoint | undefined> {
    if (head.seq === signedSeq) return undefined;
    const time = new Date().toISOString();
    const body = { writer, seq: head.seq, head: head.hash, time };
    const cp: AuditCheckpoint = {
      ...body,
      key_id: opts.signer.keyId,
      public_key: opts.signer.publicKey,
      signature: opts.signer.sign(checkpointBody(body)),
    };
    await db.insert('audit.checkpoint', 'audit_checkpoints', [cp]);
    signedSeq = head.seq;
    return cp;
  }

  async function appendNow(entry: AuditEntry): Promise<AuditRecord> {
    // A failed insert may or may not have landed: continue from what the table holds for this writer.
    if (stale) {
      const [row] = await db.query<AuditRow>(
        'audit.head',
        `SELECT ${RECORD_COLUMNS} FROM ${table} WHERE writer = {w:String} ORDER BY seq DESC LIMIT 1`,
        { w: writer },
      );
      if (row) head = { seq: Number(row.seq), hash: row.hash, time: clickhouseTimeToIso(row.time) };
      stale = false;
    }
    if (signedSeq < 0) await checkpointNow(); // the chain's signed start: a chain without one is forged
    const time = new Date().toISOString();
    if (head.seq > 0 && month(head.time) !== month(time)) await checkpointNow();
    const base = {
      writer,
      seq: head.seq + 1,
      time,
      actor: entry.actor,
      action: entry.action,
      target: entry.target,
      details: canonicalJson(entry.details ?? {}),
      prev_hash: head.hash,
    };
    const record: AuditRecord = { ...base, hash: auditHash(base) };
    try {
      await db.insert('audit.append', 'audit_chain', [record]);
    } catch (err) {
      stale = true;
      throw err;
    }
    head = { seq: record.seq, hash: record.hash, time };
    if (head.seq - Math.max(signedSeq, 0) >= every) await checkpointNow();
    else if (afterMs > 0 && !timer) {
      timer = setTimeout(() => {
        timer = undefined;
        serial(checkpointNow).catch(() => {});
      }, afterMs);
      timer.unref();
    }
    return record;
  }

  async function page(q: AuditQuery = {}): Promise<AuditPage> {
    const limit = Math.min(Math.max(q.limit ?? 100, 1), 10_000);
    const c = q.cursor ? decodeCursor(q.cursor) : undefined;
    const rows = await db.query<AuditRow>(
      'audit.page',
      `SELECT ${RECORD_COLUMNS} FROM ${table}
       WHERE time >= parseDateTime64BestEffort({from:String}, 3, 'UTC') AND time < parseDateTime64BestEffort({to:String}, 3, 'UTC')
         AND (time, writer, seq) > (parseDateTime64BestEffort({ct:String}, 3, 'UTC'), {cw:String}, {cs:UInt64})
       ORDER BY time, writer, seq LIMIT {limit:UInt32}`,
      {
        from: q.from ?? '1970-01-01T00:00:00Z',
        to: q.to ?? '2200-01-01T00:00:00Z',
        ct: c?.t ?? '1970-01-01T00:00:00Z',
        cw: c?.w ?? '',
        cs: c ? c.s : 0,
        limit: limit + 1,
      },
    );
    const records = rows.slice(0, limit).map(rowToRecord);
    const last = records[records.length - 1];
    return {
      records,
      next_cursor:
        rows.length > limit && last ? encodeCursor({ t: last.time, w: last.writer, s: last.seq }) : null,
    };
  }

  return {
    /** This instance's writer id (its chain). */
    writer,
    /** Appends one record to this writer's chain (serialized with every other append of this instance). */
    append(entry: AuditEntry): Promise<AuditRecord> {
      return serial(() => appendNow(entry));
    },
    /** Signs a checkpoint of this writer's head now, if anything is unsigned. */
    checkpoint(): Promise<AuditCheckpoint | undefined> {
      // A writer that never appended has no chain to sign.
      return serial(async () => (head.seq === 0 ? undefined : checkpointNow()));
    },
    page,
    /**
     * The decision records of `targets` (`approval.decided`, `approval.decided-not-stored`), each with the status
     * it names: a decision is on the trail when its status has more of the first than of the second.
     */
    async decisionRecords(
      targets: readonly string[],
    ): Promise<{ target: string; action: string; status: string }[]> {
      if (targets.length === 0) return [];
      return db.query<{ target: string; action: string; status: string }>(
        'audit.decision-records',
        `SELECT target, action, JSONExtractString(details, 'status') AS status FROM ${table}
         WHERE action IN ('approval.decided', 'approval.decided-not-stored') AND target IN {targets:Array(String)}`,
        { targets },
      );
    },
    /** Records in (time, writer, seq) order: the first `limit` of a period. */
    async list(q: Omit<AuditQuery, 'cursor'> = {}): Promise<AuditRecord[]> {
      return (await page({ ...q, limit: q.limit ?? 1000 })).records;
    },
    /** Signs the last checkpoint and stops the timer. */
    async close(): Promise<void> {
      if (timer) clearTimeout(timer);
      timer = undefined;
      if (signedSeq >= 0) await serial(checkpointNow).catch(() => {});
    },
  };
}
export type AuditRepo = ReturnType<typeof createAuditRepo>;
