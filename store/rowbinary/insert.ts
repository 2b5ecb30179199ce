import type { Db } from '../db.js';
import type { RowBinaryTable } from './tables.js';

// What the engine says when a RowBinary payload does not match the structure it is read with.
const UNREADABLE =
  /CANNOT_READ_ALL_DATA|Cannot read all data|CANNOT_PARSE|Cannot parse|ATTEMPT_TO_READ_AFTER_EOF|too large/i;

/**
 * Stores a RowBinary payload in `table`'s layout. agent_events payloads a spool kept from before migration 45
 * lack the last column and read short: those are stored through the legacy layout. A payload that fits neither
 * fails with the first error.
 */
export async function insertRowBinary(
  db: Db,
  tag: string,
  table: RowBinaryTable,
  payload: Uint8Array,
): Promise<void> {
  try {
    await db.insertRowBinary(tag, table, payload);
  } catch (err) {
    if (table !== 'agent_events' || !UNREADABLE.test(String(err))) throw err;
    await db.insertRowBinary(`${tag}.legacy`, 'agent_events_legacy', payload).catch(() => {
      throw err;
    });
  }
}
