import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { testStore } from '../test/helpers/store.js';
import { canonicalJson } from './audit-hash.js';
import { importLegacyAudit, LEGACY_WRITER } from './audit-legacy.js';

/** A record of the old single chain, hashed the old way. */
function oldRecord(seq: number, prev: string, details: string) {
  const base = {
    seq,
    time: `2026-11-0${seq}T10:00:00.000Z`,
    actor: 'ann',
    action: 'approval.decided',
    target: `a${seq}`,
    details,
    prev_hash: prev,
  };
  return {
    ...base,
    hash: createHash('sha256')
      .update(prev + canonicalJson(base), 'utf8')
      .digest('hex'),
  };
}

describe('audit records from the old single chain', () => {
  it('are carried into writer "legacy" once, re-chained and signed, with the old chain verdict recorded', async () => {
    const store = await testStore();
    const r1 = oldRecord(1, '0'.repeat(64), '{"i":1}');
    const r2 = oldRecord(2, r1.hash, '{"i":2}');
    const r3 = oldRecord(3, r2.hash, '{"i":3}');
    await store.db.insert('test.legacy', 'audit_log', [r1, r2, { ...r3, details: '{"i":"edited"}' }]);
    expect(await importLegacyAudit(store.db, store.config.database, store.audit, store.signer)).toBe(3);
    expect(await importLegacyAudit(store.db, store.config.database, store.audit, store.signer)).toBe(0);

    const records = await store.audit.list({ limit: 1000 });
    const legacy = records.filter((r) => r.writer === LEGACY_WRITER);
    expect(legacy.map((r) => [r.seq, r.time, r.target, r.details])).toEqual([
      [1, r1.time, 'a1', '{"i":1}'],
      [2, r2.time, 'a2', '{"i":2}'],
      [3, r3.time, 'a3', '{"i":"edited"}'],
    ]);
    const note = records.find((r) => r.action === 'audit.legacy_imported');
    // The edit made before the upgrade is not laundered: the import says the old chain broke at 3.
    expect(JSON.parse(note?.details ?? '{}')).toMatchObject({
      records: 3,
      legacy_chain_ok: false,
      first_bad: { seq: 3 },
    });
    const v = await store.audit.verify({ writers: [LEGACY_WRITER] });
    expect(v).toMatchObject({ ok: true, writers: [{ records: 3, signed_through: 3 }] });
  });
});
