import { generateKeyPairSync, sign } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AuditRecord } from '../schema/index.js';
import { testStore } from '../test/helpers/store.js';
import { auditHash, canonicalJson, checkpointBody, createAuditRepo, genesisHash } from './audit.js';
import type { Store } from './index.js';

let store: Store;
beforeAll(async () => {
  store = await testStore();
});

const DB = () => store.config.database;

/** A fresh writer with `n` records (checkpoints by count only, so the test decides what is signed). */
async function chain(n: number, every = 1000) {
  const repo = createAuditRepo(store.db, DB(), {
    signer: store.signer,
    checkpointEvery: every,
    checkpointAfterMs: 0,
  });
  const records: AuditRecord[] = [];
  for (let i = 0; i < n; i++)
    records.push(
      await repo.append({ actor: 'alice', action: 'approval.decided', target: `A${i}`, details: { i } }),
    );
  await repo.checkpoint();
  return { repo, records, verify: () => store.audit.verify({ writers: [repo.writer] }) };
}

const sync = { mutations_sync: '2' };
async function deleteRecord(writer: string, seq: number) {
  await store.db.command(
    'test.tamper',
    `ALTER TABLE "${DB()}".audit_chain DELETE WHERE writer = {w:String} AND seq = {s:UInt64}`,
    { w: writer, s: seq },
    sync,
  );
}

describe('audit chain', () => {
  it('canonical JSON sorts keys at every level', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: 2 }], c: 'x' } })).toBe(
      '{"a":{"c":"x","d":[2,{"y":2,"z":1}]},"b":1}',
    );
  });

  it('chains concurrent appends with increasing seq, signs checkpoints and verifies', async () => {
    const repo = createAuditRepo(store.db, DB(), {
      signer: store.signer,
      checkpointEvery: 5,
      checkpointAfterMs: 0,
    });
    const records = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        repo.append({
          actor: 'alice',
          action: 'approval.decided',
          target: `A${i}`,
          details: { i, b: 'x', a: 1 },
        }),
      ),
    );
    expect(records.map((r) => r.seq)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    expect(records[0]?.prev_hash).toBe(genesisHash(repo.writer));
    for (let i = 1; i < records.length; i++) expect(records[i]?.prev_hash).toBe(records[i - 1]?.hash);
    const stored = (await store.audit.list({ limit: 10_000 })).filter((r) => r.writer === repo.writer);
    expect(stored).toEqual(records);
    const v = await store.audit.verify({ writers: [repo.writer] });
    expect(v).toMatchObject({ ok: true, checked: 12, first_bad: null });
    expect(v.checkpoints.map((c) => [c.seq, c.valid])).toEqual([
      [0, true],
      [5, true],
      [10, true],
    ]);
    expect(v.writers[0]).toMatchObject({ records: 12, signed_through: 10 });
    await repo.close();
    expect((await store.audit.verify({ writers: [repo.writer] })).writers[0]?.signed_through).toBe(12);
  });

  it('two writers on the same tables interleave without forking either chain', async () => {
    const a = createAuditRepo(store.db, DB(), { signer: store.signer, checkpointAfterMs: 0 });
    const b = createAuditRepo(store.db, DB(), { signer: store.signer, checkpointAfterMs: 0 });
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        (i % 2 ? a : b).append({ actor: 'x', action: 'token.used', target: `t${i}` }),
      ),
    );
    await Promise.all([a.close(), b.close()]);
    const v = await store.audit.verify({ writers: [a.writer, b.writer] });
    expect(v.ok).toBe(true);
    expect(v.writers.map((w) => [w.records, w.signed_through])).toEqual([
      [10, 10],
      [10, 10],
    ]);
  });

  it('names a modified record', async () => {
    const { repo, verify } = await chain(8);
    await store.db.command(
      'test.tamper',
      `ALTER TABLE "${DB()}".audit_chain UPDATE details = '{"i":99}' WHERE writer = {w:String} AND seq = 5`,
      { w: repo.writer },
      sync,
    );
    expect(await verify()).toMatchObject({
      ok: false,
      first_bad: { seq: 5, reason: expect.stringContaining('modified') },
    });
  });

  it('names a record rewritten with a fresh self-consistent hash by the broken link after it', async () => {
    const { repo, records, verify } = await chain(8);
    await deleteRecord(repo.writer, 5);
    const forged = { ...(records[4] as AuditRecord), details: '{"forged":1}' };
    forged.hash = auditHash(forged);
    await store.db.insert('test.tamper', 'audit_chain', [forged]);
    expect(await verify()).toMatchObject({
      ok: false,
      first_bad: { seq: 6, reason: expect.stringMatching(/does not link to record 5/) },
    });
  });

  it('names a deleted record', async () => {
    const { repo, verify } = await chain(8);
    await deleteRecord(repo.writer, 3);
    expect(await verify()).toMatchObject({
      ok: false,
      first_bad: { seq: 3, reason: expect.stringContaining('deleted') },
    });
  });

  it('names an inserted record (a second row with an existing seq)', async () => {
    const { records, verify } = await chain(8);
    const extra = { ...(records[3] as AuditRecord), details: '{"approve":"everything"}' };
    extra.hash = auditHash(extra);
    await store.db.insert('test.tamper', 'audit_chain', [extra]);
    expect(await verify()).toMatchObject({
      ok: false,
      first_bad: { seq: 4, reason: expect.stringContaining('inserted') },
    });
  });

  it('names reordered records (two records swapped)', async () => {
    const { repo, records, verify } = await chain(8);
    const [r3, r4] = [records[2] as AuditRecord, records[3] as AuditRecord];
    await deleteRecord(repo.writer, 3);
    await deleteRecord(repo.writer, 4);
    await store.db.insert('test.tamper', 'audit_chain', [
      { ...r4, seq: 3 },
      { ...r3, seq: 4 },
    ]);
    expect(await verify()).toMatchObject({ ok: false, first_bad: { seq: 3 } });
  });

  it('detects a deleted tail that a signed checkpoint covers', async () => {
    const { repo, verify } = await chain(8);
    await deleteRecord(repo.writer, 8);
    await deleteRecord(repo.writer, 7);
    expect(await verify()).toMatchObject({
      ok: false,
      first_bad: { seq: 7, reason: expect.stringContaining('signed checkpoint') },
    });
  });

  it('rejects a forged chain: self-consistent records without a trusted checkpoint', async () => {
    const writer = 'w-forged';
    let prev = genesisHash(writer);
    const rows: AuditRecord[] = [];
    for (let seq = 1; seq <= 3; seq++) {
      const base = {
        writer,
        seq,
        time: new Date().toISOString(),
        actor: 'admin',
        action: 'grant.created',
        target: 'x',
        details: '{}',
        prev_hash: prev,
      };
      const r = { ...base, hash: auditHash(base) };
      rows.push(r);
      prev = r.hash;
    }
    await store.db.insert('test.forge', 'audit_chain', rows);
    // A checkpoint signed with the attacker's own key does not help.
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const body = { writer, seq: 3, head: prev, time: new Date().toISOString() };
    const jwk = publicKey.export({ format: 'jwk' });
    await store.db.insert('test.forge', 'audit_checkpoints', [
      {
        ...body,
        key_id: 'evil',
        public_key: Buffer.from(jwk.x as string, 'base64url').toString('base64'),
        signature: sign(null, Buffer.from(checkpointBody(body)), privateKey).toString('base64'),
      },
    ]);
    const v = await store.audit.verify({ writers: [writer] });
    expect(v).toMatchObject({
      ok: false,
      first_bad: { writer, reason: expect.stringContaining('trusted key') },
    });
    expect(v.checkpoints).toEqual([expect.objectContaining({ seq: 3, signed: true, valid: false })]);
  });

  it('a checkpoint whose signature was altered fails verification', async () => {
    const { repo, verify } = await chain(4);
    await store.db.command(
      'test.tamper',
      `ALTER TABLE "${DB()}".audit_checkpoints UPDATE head = {h:String} WHERE writer = {w:String} AND seq = 4`,
      { w: repo.writer, h: 'f'.repeat(64) },
      sync,
    );
    expect(await verify()).toMatchObject({
      ok: false,
      first_bad: { seq: 4, reason: expect.stringContaining('signature') },
    });
  });

  it('accepts a chain whose oldest months expired by retention only at a signed checkpoint older than the window', async () => {
    const { repo } = await chain(10, 5); // checkpoints at 0, 5 and 10
    for (let seq = 1; seq <= 5; seq++) await deleteRecord(repo.writer, seq);
    const later = new Date(Date.now() + 40 * 86_400_000);
    // Within the retention window the missing head is a deletion.
    expect(await store.audit.verify({ writers: [repo.writer], retentionDays: 30 })).toMatchObject({
      ok: false,
      first_bad: { seq: 5, reason: expect.stringContaining('not expired by retention') },
    });
    // Once the checkpoint at 5 is older than the window, records 1..5 expired: the chain starts at 6.
    expect(await store.audit.verify({ writers: [repo.writer], retentionDays: 30, now: later })).toMatchObject(
      {
        ok: true,
        writers: [{ first_seq: 6, last_seq: 10, signed_through: 10 }],
      },
    );
    // Without a checkpoint exactly before the new start, a dropped head is still a deletion.
    await deleteRecord(repo.writer, 6);
    expect(await store.audit.verify({ writers: [repo.writer], retentionDays: 30, now: later })).toMatchObject(
      { ok: false, first_bad: { seq: 6 } },
    );
  });

  it('pages through long chains and never splits a duplicated record across pages', async () => {
    const { repo, records } = await chain(7);
    expect(await store.audit.verify({ writers: [repo.writer], pageSize: 3 })).toMatchObject({
      ok: true,
      checked: 7,
    });
    // A forged second row for record 3, the last of the first page.
    await store.db.insert('test.tamper', 'audit_chain', [
      { ...(records[2] as AuditRecord), details: '{"z":1}' },
    ]);
    expect(await store.audit.verify({ writers: [repo.writer], pageSize: 3 })).toMatchObject({
      ok: false,
      first_bad: { seq: 3 },
    });
  });
});
