import { describe, expect, it } from 'vitest';
import { testStore } from '../../test/helpers/store.js';
import { createSettingsReset } from './settings-reset.js';

describe('settings a statement changed, for the next statement on its connection', () => {
  it('are set back to the default unless the next statement names them; defaults are read once', async () => {
    const reads: string[][] = [];
    const settle = createSettingsReset(async (_conn: object, names) => {
      reads.push([...names]);
      return new Map(names.map((n) => [n, n === 'os_thread_priority' ? '0' : '']));
    });
    const a = {};
    const b = {};
    expect(await settle(a, { log_comment: 'x', insert_deduplication_token: 'T' })).toEqual({
      log_comment: 'x',
      insert_deduplication_token: 'T',
    });
    // Another connection is its own.
    expect(await settle(b, { log_comment: 'y' })).toEqual({ log_comment: 'y' });
    expect(await settle(a, { log_comment: 'z', os_thread_priority: 10 })).toEqual({
      insert_deduplication_token: '',
      log_comment: 'z',
      os_thread_priority: 10,
    });
    expect(await settle(a, undefined)).toEqual({ log_comment: '', os_thread_priority: '0' });
    expect(await settle(a, undefined)).toBeUndefined();
    expect(reads).toEqual([['insert_deduplication_token'], ['log_comment', 'os_thread_priority']]);
  });

  it('a name the engine has no setting for (its statement was refused) is not set back, nor kept', async () => {
    let reads = 0;
    const settle = createSettingsReset(async () => {
      reads++;
      return new Map<string, string>();
    });
    const c = {};
    await settle(c, { made_up_setting: 1 });
    expect(await settle(c, { log_comment: 'a' })).toEqual({ log_comment: 'a' });
    expect(await settle(c, { log_comment: 'b' })).toEqual({ log_comment: 'b' });
    expect(reads).toBe(1);
  });
});

describe('the embedded engine (real chDB)', () => {
  it('an insert after one with a deduplication token is not dropped as its repeat', async () => {
    const store = await testStore('ward_settings_reset');
    try {
      const db = store.db;
      const t = `"${store.config.database}".dedup_probe`;
      await db.command(
        'test.create',
        `CREATE TABLE ${t} (k UInt32) ENGINE = MergeTree ORDER BY k SETTINGS non_replicated_deduplication_window = 100`,
      );
      // Same tag, so the same lane and connection; the first names a token, the second none.
      await db.insert('test.probe', 'dedup_probe', [{ k: 1 }], { insert_deduplication_token: 'T1' });
      await db.insert('test.probe', 'dedup_probe', [{ k: 2 }]);
      await db.insert('test.probe', 'dedup_probe', [{ k: 3 }]);
      const rows = await db.query<{ k: number }>('test.read', `SELECT k FROM ${t} ORDER BY k`);
      expect(rows.map((r) => Number(r.k))).toEqual([1, 2, 3]);
      // A repeat that names the same token is still dropped: the token itself keeps working.
      await db.insert('test.probe', 'dedup_probe', [{ k: 4 }], { insert_deduplication_token: 'T1' });
      const after = await db.query<{ n: string }>('test.read', `SELECT count() AS n FROM ${t}`);
      expect(Number(after[0]?.n)).toBe(3);
    } finally {
      await store.close();
    }
  }, 60_000);
});
