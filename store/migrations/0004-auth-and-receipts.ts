import { createTable, type DdlContext } from '../ddl.js';
import type { Migration } from './types.js';

function statements(ctx: DdlContext): string[] {
  return [
    // API tokens: only a SHA-256 of the token is stored.
    ...createTable(ctx, {
      name: 'api_tokens',
      columns: `
  token_hash String,
  name String,
  role LowCardinality(String),
  created_at DateTime64(3, 'UTC'),
  revoked UInt8,
  version UInt64`,
      engine: 'ReplacingMergeTree',
      engineArgs: 'version',
      tail: 'ORDER BY token_hash',
      shardingKey: '0',
    }),
    // Hashes of fully acknowledged OTLP request bodies: a client retrying an export it already got a 200
    // for (ack lost on the way) is answered 200 without storing the records twice.
    ...createTable(ctx, {
      name: 'ingest_receipts',
      columns: `
  body_hash String,
  signal LowCardinality(String),
  records UInt32,
  acked_at DateTime64(3, 'UTC')`,
      engine: 'ReplacingMergeTree',
      tail: 'ORDER BY body_hash TTL toDateTime(acked_at) + toIntervalDay(2)',
      shardingKey: 'cityHash64(body_hash)',
    }),
  ];
}

export const migration: Migration = { id: 4, name: 'api tokens, ingest receipts', statements };
