import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { type ClickHouseClient, createClient } from '@clickhouse/client';
import type { ResolvedStoreConfig } from './config.js';
import type { RawInsert } from './db.js';

/** A ClickHouse client: embedded chDB in `dataDir`, or a server at `url`. Same API above this line. */
export async function createClickHouseClient(
  config: ResolvedStoreConfig,
): Promise<{ client: ClickHouseClient; mode: string; rawInsert?: RawInsert; fileInsertDir?: string }> {
  if (config.url) {
    const client = createClient({
      url: config.url,
      username: config.username,
      password: config.password,
      clickhouse_settings: { date_time_input_format: 'best_effort' },
    });
    return { client, mode: `ClickHouse server ${redactUrl(config.url)}` };
  }
  const path = resolve(config.dataDir, 'clickhouse');
  mkdirSync(path, { recursive: true, mode: 0o700 });
  const { createChdbConnection } = await import('chdb/connection');
  const connection = createChdbConnection({ path });
  const client = createClient({
    // chdb types its connection against @clickhouse/client-common; the runtime shape is the same.
    connection: connection as unknown as NonNullable<Parameters<typeof createClient>[0]>['connection'],
    clickhouse_settings: { date_time_input_format: 'best_effort' },
  });
  const rawInsert: RawInsert = async (table, payload, settings) => {
    await connection.chdb.rawInsert({
      table,
      values: payload,
      format: 'JSONEachRow',
      settings: {
        date_time_input_format: 'best_effort',
        ...(settings as Record<string, string | number | boolean>),
      },
    });
  };
  return {
    client,
    mode: `embedded ClickHouse (chDB) in ${path}`,
    rawInsert,
    fileInsertDir: resolve(config.dataDir, 'clickhouse-tmp'),
  };
}

function redactUrl(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
}
