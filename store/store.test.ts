import { describe, expect, it } from 'vitest';
import { makeEvent } from '../test/helpers/events.js';
import { testStore } from '../test/helpers/store.js';
import { createStore, type Store } from './index.js';
import { storeContract } from './store.case.js';

describe('embedded store (chDB)', () => {
  it('runs in-process', async () => {
    expect((await testStore()).mode).toContain('embedded');
  });
  storeContract(() => testStore(), makeEvent);
});

// The same contract against a ClickHouse server when one is configured (CI has none: this shows as a skip).
const url = process.env.CLICKHOUSE_URL;
let server: Promise<Store> | undefined;
describe.runIf(url)('ClickHouse server store (needs CLICKHOUSE_URL)', () => {
  storeContract(() => {
    server ??= createStore({
      url,
      username: process.env.CLICKHOUSE_USER,
      password: process.env.CLICKHOUSE_PASSWORD,
      database: `ward_contract_${process.pid}`,
    });
    return server;
  }, makeEvent);
});
