import { createHash } from 'node:crypto';
import type { AuditRecord } from '../schema/index.js';
import type { AuditRepo } from './audit.js';
import { auditHash, canonicalJson, checkpointBody, genesisHash } from './audit-hash.js';
import type { Signer } from './audit-key.js';
import type { Db } from './db.js';
import { clickhouseTimeToIso } from './rows/common.js';

/** Writer id of the records carried over from the single-chain `audit_log` of earlier versions. */
export const LEGACY_WRITER = 'legacy';

interface LegacyRow {
  seq: string | number;
  time: string;
  actor: string;
  action: string;
  target: string;
  details: string;
  prev_hash: string;
  hash: string;
}

function legacyHash(r: Omit<LegacyRow, 'hash'> & { seq: number }): string {
  const { seq, time, actor, action, target, details, prev_hash } = r;
  return createHash('sha256')
    .update(prev_hash + canonicalJson({ seq, time, actor, action, target, details, prev_hash }), 'utf8')
    .digest('hex');
}

/**
 * Carries the records of the old single chain (`audit_log`) into writer `legacy` of the per-writer chains,
 * once: the old chain is verified with its own hashing first, the records are re-chained unchanged (same seq,
 * time and content, so two processes importing at once write identical rows), a checkpoint is signed, and the
 * current writer records the import with the old chain's verdict and head.
 */
export async function importLegacyAudit(
  db: Db,
  database: string,
  audit: AuditRepo,
  signer: Signer,
): Promise<number> {
  const [done] = await db.query<{ n: string | number }>(
    'audit.legacy.done',
    `SELECT count() AS n FROM "${database}".audit_chain WHERE writer = {w:String}`,
    { w: LEGACY_WRITER },
  );
  if (Number(done?.n ?? 0) > 0) return 0;
  const rows = await db.query<LegacyRow>(
    'audit.legacy.read',
    `SELECT seq, time, actor, action, target, details, prev_hash, hash FROM "${database}".audit_log FINAL ORDER BY seq`,
  );
  if (rows.length === 0) return 0;
  let prevOld = '0'.repeat(64);
  let firstBad: { seq: number; reason: string } | null = null;
  let prev = genesisHash(LEGACY_WRITER);
  const out: AuditRecord[] = [];
  rows.forEach((row, i) => {
    const seq = Number(row.seq);
    const time = clickhouseTimeToIso(row.time);
    if (
      !firstBad &&
      (seq !== i + 1 || row.prev_hash !== prevOld || legacyHash({ ...row, seq, time }) !== row.hash)
    )
      firstBad = { seq, reason: 'the old chain does not verify from this record on' };
    prevOld = row.hash;
    const base = {
      writer: LEGACY_WRITER,
      seq: i + 1,
      time,
      actor: row.actor,
      action: row.action,
      target: row.target,
      details: row.details,
      prev_hash: prev,
    };
    const record = { ...base, hash: auditHash(base) };
    out.push(record);
    prev = record.hash;
  });
  await db.insert('audit.legacy.import', 'audit_chain', out);
  const last = out[out.length - 1] as AuditRecord;
  for (const seq of [0, last.seq]) {
    const body = {
      writer: LEGACY_WRITER,
      seq,
      head: seq === 0 ? genesisHash(LEGACY_WRITER) : last.hash,
      time: new Date().toISOString(),
    };
    await db.insert('audit.legacy.checkpoint', 'audit_checkpoints', [
      {
        ...body,
        key_id: signer.keyId,
        public_key: signer.publicKey,
        signature: signer.sign(checkpointBody(body)),
      },
    ]);
  }
  await audit.append({
    actor: 'system',
    action: 'audit.legacy_imported',
    target: LEGACY_WRITER,
    details: {
      records: out.length,
      legacy_head: prevOld,
      legacy_chain_ok: firstBad === null,
      first_bad: firstBad,
    },
  });
  return out.length;
}
