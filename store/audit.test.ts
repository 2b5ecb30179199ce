import { describe, expect, it } from 'vitest';
import { testStore } from '../test/helpers/store.js';
import { auditHash, canonicalJson, GENESIS_HASH } from './audit.js';

describe('audit repository', () => {
  it('canonical JSON sorts keys at every level', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: 2 }], c: 'x' } })).toBe(
      '{"a":{"c":"x","d":[2,{"y":2,"z":1}]},"b":1}',
    );
  });

  it('chains concurrent appends with increasing seq, verifies, and reports the first tampered record', async () => {
    const store = await testStore();
    const records = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        store.audit.append({
          actor: 'alice',
          action: 'approval.decided',
          target: `A${i}`,
          details: { i, b: 'x', a: 1 },
        }),
      ),
    );
    expect(records.map((r) => r.seq)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    expect(records[0]?.prev_hash).toBe(GENESIS_HASH);
    for (let i = 1; i < records.length; i++) expect(records[i]?.prev_hash).toBe(records[i - 1]?.hash);
    const stored = await store.audit.list();
    expect(stored).toEqual(records);
    expect(await store.audit.verify()).toEqual({ ok: true, records: 12, head: records[11]?.hash });

    // Rewrite record 5's details (the table keeps the last insert per seq): the chain breaks at 5.
    const five = records[4];
    if (!five) throw new Error('missing record');
    await store.db.insert('test.tamper', 'audit_log', [{ ...five, details: '{"i":4,"tampered":true}' }]);
    expect(await store.audit.verify()).toMatchObject({
      ok: false,
      brokenSeq: 5,
      reason: expect.stringContaining('hash'),
    });

    // Even a record rewritten with a fresh, self-consistent hash breaks the link from the next record.
    const forged = { ...five, details: '{"forged":1}' };
    forged.hash = auditHash(forged);
    await store.db.insert('test.tamper', 'audit_log', [forged]);
    expect(await store.audit.verify()).toMatchObject({
      ok: false,
      brokenSeq: 6,
      reason: expect.stringContaining('prev_hash'),
    });
  });
});
