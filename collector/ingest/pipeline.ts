import { createHash } from 'node:crypto';
import type { OtlpSignal } from '../../schema/index.js';
import type { OtlpEncoding } from '../otlp/index.js';
import type { Journal } from './journal.js';
import type { Prepare } from './prepare-pool.js';
import type { ReceiptSet } from './receipts.js';
import type { BatchingWriter } from './writer.js';

export interface IngestResult {
  accepted: number;
  rejected: number;
  message: string;
  duplicate: boolean;
}

export interface IngestDeps {
  writer: BatchingWriter;
  /** Decode, redact, normalize, serialize (inline or on worker threads). */
  prepare: Prepare;
  receipts: ReceiptSet;
  /** Receipts other instances stored (asked on a local miss); an error counts as unseen (stored, not lost). */
  seen?: (hash: string) => Promise<boolean>;
  /**
   * With a journal a request is acknowledged once its rows are fsynced there (the writer stores them in large
   * batches afterwards); without one, once ClickHouse has stored them.
   */
  journal?: Journal;
  /** A journaled batch the writer could neither store nor spool (its rows stay in the journal). */
  onLate?: (err: unknown) => void;
}

/** How long a request waits for a saturated writer before it is refused (exporters retry after a 503). */
const ROOM_WAIT_MS = 5_000;

/** One OTLP request in, durable rows out: resolves once they are in the journal, or stored or spooled. */
export function createIngest(deps: IngestDeps) {
  return async function ingest(
    signal: OtlpSignal,
    body: Uint8Array,
    encoding: OtlpEncoding,
    /** Who sent it (a token id): the writer's queue takes only a share from one sender. */
    sender = '',
    /** The sender's token name, stamped on the events beside its id. */
    senderName = '',
  ): Promise<IngestResult> {
    // A body is a duplicate of what the same token sent (a retry), not of another token's: the first copy sent
    // would otherwise stand for both, stamped with whoever sent it first.
    const h = createHash('sha256').update(signal);
    if (sender) h.update(`\u0000${sender}\u0000`);
    const hash = h.update(body).digest('hex');
    if (deps.receipts.has(hash) || (deps.seen && (await deps.seen(hash).catch(() => false)))) {
      deps.receipts.add(hash);
      return { accepted: 0, rejected: 0, message: '', duplicate: true };
    }
    // The parts hold the receipt row too (the store's codec adds it), so an acknowledged body is
    // recognised after a restart.
    const prepared = await deps.prepare(
      signal,
      body,
      encoding,
      hash,
      sender ? { id: sender, name: senderName || sender } : undefined,
    );
    if (deps.journal) {
      // Room first, in line behind earlier requests while the writer is full (503 if none comes in time):
      // exporters slow down rather than fail. The rows go into the writer once durable.
      const room = await deps.writer.reserve(prepared.parts, ROOM_WAIT_MS, sender);
      const late = deps.onLate ?? (() => {});
      try {
        await deps.journal.append(prepared.parts, (seq) => {
          room.commit(seq).catch(late);
        });
      } catch (err) {
        room.cancel();
        throw err;
      }
    } else await deps.writer.enqueue(prepared.parts, sender);
    deps.receipts.add(hash);
    return {
      accepted: prepared.records,
      rejected: prepared.rejected,
      message: prepared.message,
      duplicate: false,
    };
  };
}
export type Ingest = ReturnType<typeof createIngest>;
