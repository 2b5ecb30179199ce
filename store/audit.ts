import { createHash } from 'node:crypto';
import type { AuditRecord } from '../schema/index.js';
import type { Db } from './db.js';
import { clickhouseTimeToIso } from './rows/common.js';

/** prev_hash of the first record. */
export const GENESIS_HASH = '0'.repeat(64);

/** What a caller appends; seq, time and the hashes are the repository's. */
export interface AuditEntry {
  actor: string;
  action: string;
  target: string;
  /** Serialized as canonical JSON into `details`. */
  details?: unknown;
}

export type AuditVerifyResult =
  | { ok: true; records: number; head: string }
  | { ok: false; records: number; brokenSeq: number; reason: string };

/** JSON with object keys sorted at every level: the same value always hashes the same. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
        )
      : v,
  );
}

/** hash = sha256(prev_hash + canonical JSON of the record without its hash). */
export function auditHash(r: Omit<AuditRecord, 'hash'>): string {
  const { seq, time, actor, action, target, details, prev_hash } = r;
  return createHash('sha256')
    .update(prev_hash + canonicalJson({ seq, time, actor, action, target, details, prev_hash }), 'utf8')
    .digest('hex');
}

interface AuditRow extends Omit<AuditRecord, 'seq'> {
  seq: string | number;
}

function rowToRecord(r: AuditRow): AuditRecord {
  return { ...r, seq: Number(r.seq), time: clickhouseTimeToIso(r.time) };
}

const PAGE = 5000;

/**
 * The tamper-evident audit trail: a hash chain over records with increasing seq. Appends are serialized in
 * this process (one writer per database is assumed; a second process appending would fork the chain).
 */
export function createAuditRepo(db: Db, database: string) {
  const table = `"${database}".audit_log`;
  let head: Promise<{ seq: number; hash: string }> | undefined;
  let queue: Promise<unknown> = Promise.resolve();

  async function readHead(): Promise<{ seq: number; hash: string }> {
    const [row] = await db.query<AuditRow>(
      'audit.head',
      `SELECT seq, time, actor, action, target, details, prev_hash, hash FROM ${table} FINAL ORDER BY seq DESC LIMIT 1`,
    );
    return row ? { seq: Number(row.seq), hash: row.hash } : { seq: 0, hash: GENESIS_HASH };
  }

  async function appendNow(entry: AuditEntry): Promise<AuditRecord> {
    head ??= readHead();
    let prev: { seq: number; hash: string };
    try {
      prev = await head;
    } catch (err) {
      head = undefined; // retry the read next time
      throw err;
    }
    const base = {
      seq: prev.seq + 1,
      time: new Date().toISOString(),
      actor: entry.actor,
      action: entry.action,
      target: entry.target,
      details: canonicalJson(entry.details ?? {}),
      prev_hash: prev.hash,
    };
    const record: AuditRecord = { ...base, hash: auditHash(base) };
    try {
      await db.insert('audit.append', 'audit_log', [record]);
    } catch (err) {
      head = undefined; // the insert may or may not have landed: re-read the head
      throw err;
    }
    head = Promise.resolve({ seq: record.seq, hash: record.hash });
    return record;
  }

  /** Records in seq order, from `afterSeq` (exclusive). */
  async function list(q: { afterSeq?: number; limit?: number } = {}): Promise<AuditRecord[]> {
    const rows = await db.query<AuditRow>(
      'audit.list',
      `SELECT seq, time, actor, action, target, details, prev_hash, hash FROM ${table} FINAL
       WHERE seq > {after:UInt64} ORDER BY seq LIMIT {limit:UInt32}`,
      { after: q.afterSeq ?? 0, limit: q.limit ?? 1000 },
    );
    return rows.map(rowToRecord);
  }

  return {
    /** Appends one record to the chain (serialized with every other append of this process). */
    append(entry: AuditEntry): Promise<AuditRecord> {
      const next = queue.then(() => appendNow(entry));
      queue = next.catch(() => {});
      return next;
    },
    list,
    /** Walks the whole chain and reports the first record whose seq, link or hash does not check out. */
    async verify(): Promise<AuditVerifyResult> {
      let expectSeq = 1;
      let prevHash = GENESIS_HASH;
      let count = 0;
      for (;;) {
        const page = await list({ afterSeq: expectSeq - 1, limit: PAGE });
        for (const r of page) {
          count++;
          if (r.seq !== expectSeq)
            return {
              ok: false,
              records: count,
              brokenSeq: expectSeq,
              reason: `record ${expectSeq} is missing (next is ${r.seq})`,
            };
          if (r.prev_hash !== prevHash)
            return {
              ok: false,
              records: count,
              brokenSeq: r.seq,
              reason: 'prev_hash does not match the previous record',
            };
          if (auditHash(r) !== r.hash)
            return {
              ok: false,
              records: count,
              brokenSeq: r.seq,
              reason: 'hash does not match the record content',
            };
          prevHash = r.hash;
          expectSeq++;
        }
        if (page.length < PAGE) return { ok: true, records: count, head: prevHash };
      }
    },
  };
}
export type AuditRepo = ReturnType<typeof createAuditRepo>;
