import type { AuditCheckpoint, AuditRecord, AuditVerifyReport } from '../schema/index.js';
import { type AuditRow, type CheckpointRow, RECORD_COLUMNS, rowToCheckpoint, rowToRecord } from './audit.js';
import { auditHash, checkpointBody, genesisHash } from './audit-hash.js';
import { verifySignature } from './audit-key.js';
import type { Db } from './db.js';

const PAGE = 5000;
const DAY_MS = 86_400_000;

export interface AuditVerifyOptions {
  /** A period: which writers are walked (each whole, from its start); see `writersToVerify`. */
  from?: string;
  to?: string;
  /** Raw base64 Ed25519 public keys whose checkpoints count. */
  trustedKeys: readonly string[];
  /** Only these writers (default: all). */
  writers?: readonly string[];
  /** Days audit records are kept: a chain may start after seq 1 only at a signed checkpoint older than this. */
  retentionDays?: number;
  now?: Date;
  /** Records fetched per query (default 5000). */
  pageSize?: number;
}

type Bad = { writer: string; seq: number; reason: string };

const T = (p: string) => `parseDateTime64BestEffort({${p}:String}, 3, 'UTC')`;

/**
 * The writers a verification walks. Without a period: every writer with a record, and every writer with a
 * checkpoint signed by a trusted key (so a chain whose records were all deleted is still walked, and its
 * checkpoints name what is missing). With a period [from, to), the writers whose records a report of that
 * period relies on or could have lost:
 * - writers with a record in the period (the actions and chain heads it counts);
 * - writers with a `policy.loaded` record before the period (the policy in force at its start);
 * - writers with a trusted checkpoint dated before the period's end (a chain that overlaps or precedes the
 *   period: its records in the period, or its policy loads before it, may have been deleted).
 * A writer of the first two kinds without a trusted checkpoint fails as forged, so the period's report says
 * the trail is broken instead of presenting that writer's records (say, a back-dated policy load) as verified
 * evidence. A compliance officer reads "chain intact" as "every record this report uses is authentic and
 * none is missing", so a forged or gutted chain the report depends on must turn the verdict, not be dropped
 * quietly from the numbers.
 */
async function writersToVerify(db: Db, database: string, o: AuditVerifyOptions): Promise<string[]> {
  const period = o.from !== undefined || o.to !== undefined;
  const chainWhere = period
    ? `time < ${T('to')} AND (time >= ${T('from')} OR action = 'policy.loaded')`
    : '1';
  const checkpointWhere = period ? `time < ${T('to')}` : '1';
  const rows = await db.query<{ writer: string }>(
    'audit.verify.writers',
    `SELECT writer FROM (
       SELECT DISTINCT writer FROM "${database}".audit_chain WHERE ${chainWhere}
       UNION DISTINCT
       SELECT DISTINCT writer FROM "${database}".audit_checkpoints
       WHERE has({keys:Array(String)}, public_key) AND ${checkpointWhere}
     ) ORDER BY writer`,
    {
      from: o.from ?? '1970-01-01T00:00:00Z',
      to: o.to ?? '2200-01-01T00:00:00Z',
      keys: [...o.trustedKeys],
    },
  );
  return rows.map((r) => r.writer).filter((w) => !o.writers || o.writers.includes(w));
}

/**
 * Walks every writer's chain and its checkpoints. Fails on the first record that is modified (hash), deleted
 * (seq gap, missing below a signed checkpoint, or a whole chain gone while its signed checkpoints remain),
 * inserted or reordered (link, duplicate seq), on a chain with no checkpoint signed by a trusted key (forged
 * writer), and on a trusted checkpoint that does not match the chain. Records after a writer's last checkpoint
 * are checked but only signed up to `signed_through`.
 */
export async function verifyAuditChains(
  db: Db,
  database: string,
  o: AuditVerifyOptions,
): Promise<AuditVerifyReport> {
  const chain = `"${database}".audit_chain`;
  const writers = await writersToVerify(db, database, o);
  const trusted = new Set(o.trustedKeys);
  const now = (o.now ?? new Date()).getTime();
  const report: AuditVerifyReport = { ok: true, checked: 0, first_bad: null, writers: [], checkpoints: [] };

  for (const writer of writers) {
    const cps = (
      await db.query<CheckpointRow>(
        'audit.verify.checkpoints',
        `SELECT writer, seq, head, time, key_id, public_key, signature FROM "${database}".audit_checkpoints
         WHERE writer = {w:String} ORDER BY seq, time`,
        { w: writer },
      )
    ).map(rowToCheckpoint);
    const validSig = (c: AuditCheckpoint) =>
      trusted.has(c.public_key) && verifySignature(c.public_key, checkpointBody(c), c.signature);
    const good = cps.filter(validSig);
    const bySeq = new Map<number, AuditCheckpoint[]>();
    for (const c of good) bySeq.set(c.seq, [...(bySeq.get(c.seq) ?? []), c]);
    const hashAt = new Map<number, string>();
    const fail: Bad[] = [];
    const bad = (seq: number, reason: string) => fail.push({ writer, seq, reason });

    for (const c of cps) {
      if (trusted.has(c.public_key) && !validSig(c))
        bad(c.seq, `checkpoint at record ${c.seq} has an invalid signature`);
    }
    if (good.length === 0)
      bad(0, `chain ${writer} has no checkpoint signed by a trusted key (forged or foreign writer)`);

    let prev: AuditRecord | undefined;
    let first = 0;
    let records = 0;
    let after = -1;
    walk: for (;;) {
      const rows = (
        await db.query<AuditRow>(
          'audit.verify.page',
          `SELECT ${RECORD_COLUMNS} FROM ${chain} WHERE writer = {w:String} AND seq > {after:Int64}
           ORDER BY seq LIMIT {limit:UInt32} WITH TIES`,
          { w: writer, after, limit: o.pageSize ?? PAGE },
        )
      )
        .map(rowToRecord)
        // Ties on seq stay on one page (WITH TIES), so a duplicate is never split off; order them by hash.
        .sort((x, y) => x.seq - y.seq || (x.hash < y.hash ? -1 : x.hash > y.hash ? 1 : 0));
      for (const r of rows) {
        if (prev && r.seq === prev.seq) {
          if (r.hash === prev.hash && auditHash(r) === r.hash) continue; // an insert retried after a lost ack
          bad(r.seq, `record ${r.seq} appears more than once (a record was inserted)`);
          break walk;
        }
        records++;
        report.checked++;
        if (!prev) {
          first = r.seq;
          if (r.seq === 1) {
            if (r.prev_hash !== genesisHash(writer)) {
              bad(1, 'record 1 does not start the chain (inserted or moved from another chain)');
              break walk;
            }
          } else {
            const anchor = (bySeq.get(r.seq - 1) ?? []).find((c) => c.head === r.prev_hash);
            const expired =
              anchor &&
              o.retentionDays !== undefined &&
              Date.parse(anchor.time) < now - o.retentionDays * DAY_MS;
            if (!expired) {
              bad(r.seq - 1, `records 1..${r.seq - 1} are missing (deleted) and not expired by retention`);
              break walk;
            }
          }
        } else if (r.seq !== prev.seq + 1) {
          bad(prev.seq + 1, `record ${prev.seq + 1} is missing (deleted); the next is ${r.seq}`);
          break walk;
        } else if (r.prev_hash !== prev.hash) {
          bad(
            r.seq,
            `record ${r.seq} does not link to record ${prev.seq} (inserted, reordered, or ${prev.seq} replaced)`,
          );
          break walk;
        }
        if (auditHash(r) !== r.hash) {
          bad(r.seq, `record ${r.seq} was modified (its content does not match its hash)`);
          break walk;
        }
        hashAt.set(r.seq, r.hash);
        prev = r;
      }
      if (rows.length < (o.pageSize ?? PAGE)) break;
      after = rows[rows.length - 1]?.seq ?? after;
    }
    const last = prev?.seq ?? 0;
    // No record left at all: only retention may have taken them, once the newest signed checkpoint is past it.
    const expiredWhole =
      records === 0 &&
      o.retentionDays !== undefined &&
      good.every((c) => Date.parse(c.time) < now - (o.retentionDays ?? 0) * DAY_MS);
    let signedThrough = -1;
    for (const c of cps) {
      const signed = c.signature !== '';
      let valid = validSig(c);
      if (valid) {
        const expected = c.seq === 0 ? genesisHash(writer) : hashAt.get(c.seq);
        if (c.seq > last && fail.length === 0 && !expiredWhole) {
          bad(
            last + 1,
            records === 0
              ? `chain ${writer} has none of its records: a signed checkpoint covers records 1..${c.seq} (deleted, not expired by retention)`
              : `records ${last + 1}..${c.seq} are missing (deleted): a signed checkpoint covers them`,
          );
          valid = false;
        } else if (expected !== undefined && expected !== c.head) {
          bad(c.seq, `record ${c.seq} differs from the signed checkpoint of that record`);
          valid = false;
        } else if (expected !== undefined) signedThrough = Math.max(signedThrough, c.seq);
      }
      report.checkpoints.push({ writer, seq: c.seq, time: c.time, signed, valid });
    }
    report.writers.push({ writer, records, first_seq: first, last_seq: last, signed_through: signedThrough });
    if (fail.length > 0 && report.ok) {
      report.ok = false;
      report.first_bad = fail.reduce((a, b) => (b.seq < a.seq ? b : a));
    }
  }
  return report;
}
