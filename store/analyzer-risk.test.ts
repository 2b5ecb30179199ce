import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testStore } from '../test/helpers/store.js';
import type { Store } from './index.js';

// ClickHouse writes a NaN Float64 as null in JSON; read as Number(null) it was a risk of 0, so an escalated
// session whose stored risk was not a number looked calm to the hook endpoint's gate.
describe("a session's stored risk that is not a number", () => {
  let store: Store;
  beforeAll(async () => {
    store = await testStore('ward_risk_nan');
    await store.analyzer.putRisk([
      { session_id: 'calm', risk: 0.2, factors: [], agent: 'codex', user_id: 'u', repo: 'r' },
      { session_id: 'computed', risk: Number.NaN, factors: [], agent: 'codex', user_id: 'u', repo: 'r' },
    ]);
    await store.db.command(
      'test.nan-risk',
      `INSERT INTO "${store.config.database}".session_risk (session_id, risk, factors, updated_at)
       VALUES ('odd', nan, '[]', now64(6))`,
    );
  });
  afterAll(async () => {
    await store?.close();
  });

  it('reads back as NaN (the gate takes it as unknown), never as 0', async () => {
    expect((await store.analyzer.risk('calm'))?.risk).toBe(0.2);
    expect((await store.analyzer.risk('odd'))?.risk).toBeNaN();
    // The analyzer's own write of a NaN (JSON has none: it used to land as the column's default, 0).
    expect((await store.analyzer.risk('computed'))?.risk).toBeNaN();
    expect(await store.analyzer.risk('absent')).toBeNull();
  });
});
