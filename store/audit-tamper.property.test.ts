import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AuditRecord } from '../schema/index.js';
import { testStore } from '../test/helpers/store.js';
import { auditHash, createAuditRepo } from './audit.js';
import type { Store } from './index.js';

let store: Store;
beforeAll(async () => {
  store = await testStore();
});

type Op = 'modify' | 'rehash' | 'delete' | 'duplicate' | 'swap';

/** Applies one tampering directly to the stored rows of record k (and k+1 for a swap). */
async function tamper(op: Op, records: AuditRecord[], k: number): Promise<void> {
  const db = store.db;
  const table = `"${store.config.database}".audit_chain`;
  const r = records[k - 1] as AuditRecord;
  const del = (seq: number) =>
    db.command(
      'test.tamper',
      `ALTER TABLE ${table} DELETE WHERE writer = {w:String} AND seq = {s:UInt64}`,
      { w: r.writer, s: seq },
      { mutations_sync: '2' },
    );
  if (op === 'modify' || op === 'rehash') {
    await del(k);
    const changed = { ...r, actor: 'mallory' };
    if (op === 'rehash') changed.hash = auditHash(changed);
    await db.insert('test.tamper', 'audit_chain', [changed]);
  } else if (op === 'delete') await del(k);
  else if (op === 'duplicate') await db.insert('test.tamper', 'audit_chain', [{ ...r, details: '{"x":1}' }]);
  else {
    const next = records[k] as AuditRecord;
    await del(k);
    await del(k + 1);
    await db.insert('test.tamper', 'audit_chain', [
      { ...next, seq: k },
      { ...r, seq: k + 1 },
    ]);
  }
}

describe('audit verify under arbitrary tampering', () => {
  it('fails and names the tampered record (or, for a rewritten hash, the record after it)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 2, max: 9 }),
        fc.constantFrom<Op>('modify', 'rehash', 'delete', 'duplicate', 'swap'),
        fc.nat(),
        async (n, op, pick) => {
          const repo = createAuditRepo(store.db, store.config.database, {
            signer: store.signer,
            checkpointAfterMs: 0,
          });
          const records: AuditRecord[] = [];
          for (let i = 0; i < n; i++)
            records.push(await repo.append({ actor: 'a', action: 'x', target: `t${i}`, details: { i } }));
          await repo.checkpoint();
          const k = 1 + (pick % (op === 'swap' ? n - 1 : n));
          await tamper(op, records, k);
          const v = await store.audit.verify({ writers: [repo.writer] });
          expect(v.ok).toBe(false);
          // A rewritten record with a fresh hash is caught at the link from the next one, or by the
          // checkpoint when it is the last.
          expect(v.first_bad?.seq).toBe(op === 'rehash' && k < n ? k + 1 : k);
        },
      ),
      { numRuns: 15 },
    );
  }, 180_000); // 15 chains built, tampered and verified in the embedded engine: slow on a loaded machine
});
