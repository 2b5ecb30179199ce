import { join } from 'node:path';
import { type Journal, openJournal } from './journal.js';
import type { BatchingWriter } from './writer.js';

/** Permissions whose answers come from ingested rows: with the journal, such reads wait for queued rows. */
const READS_INGEST: ReadonlySet<string> = new Set(['readEvents', 'exportReports']);
/**
 * The longest such a read waits for the writer. It waits only for rows queued before it (one insert, a few
 * hundred ms when saturated), so this bounds a stalled engine, not a busy one: at 250 ms a loaded machine's
 * first insert of a new table part missed it, and the read answered without rows it had acknowledged.
 */
const READ_BARRIER_MS = 5_000;
/** How long one replayed record may wait for room in the writer at start. */
const REPLAY_ROOM_MS = 10 * 60_000;

/** The journal under the data dir, signed with the spool's key. */
export function openIngestJournal(
  dataDir: string,
  key: Buffer,
  log: (msg: string) => void,
): Promise<Journal> {
  return openJournal({ dir: join(dataDir, 'journal'), key, log });
}

/**
 * Stores what an earlier run acknowledged into the journal and had not stored, before the server takes
 * requests (and before receipts are read back, so a retried body is recognised). Returns how to report a
 * journaled batch the writer could neither store nor spool (its rows stay in the journal).
 */
export async function storeJournaled(
  journal: Journal,
  writer: BatchingWriter,
  log: (msg: string) => void,
): Promise<(err: unknown) => void> {
  const late = (err: unknown) =>
    log(`journaled rows not stored yet: ${err instanceof Error ? err.message : String(err)}`);
  const n = await journal.recover(async (record) => {
    const room = await writer.reserve(record.parts, REPLAY_ROOM_MS);
    room.commit(record.seq).catch(late);
  });
  await writer.flush();
  if (n) log(`stored ${n} journaled requests from the last run`);
  return late;
}

/**
 * The auth hook that makes reads of events and reports see every request acknowledged before them: the
 * writer flushes what is queued, and the read waits for it (at most READ_BARRIER_MS if the engine stalls).
 */
export function readBarrier(writer: BatchingWriter) {
  return (_c: unknown, permission: string) =>
    READS_INGEST.has(permission) ? writer.barrier(READ_BARRIER_MS) : undefined;
}
