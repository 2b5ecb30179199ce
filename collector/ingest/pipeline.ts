import { createHash } from 'node:crypto';
import type { OtlpSignal } from '../../schema/index.js';
import type { OtlpEncoding } from '../otlp/index.js';
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
}

/** One OTLP request in, durably stored rows out; resolves only once everything is stored or spooled. */
export function createIngest(deps: IngestDeps) {
  return async function ingest(
    signal: OtlpSignal,
    body: Uint8Array,
    encoding: OtlpEncoding,
  ): Promise<IngestResult> {
    const hash = createHash('sha256').update(signal).update(body).digest('hex');
    if (deps.receipts.has(hash) || (deps.seen && (await deps.seen(hash).catch(() => false)))) {
      deps.receipts.add(hash);
      return { accepted: 0, rejected: 0, message: '', duplicate: true };
    }
    // The parts hold the receipt row too (the store's codec adds it), so an acknowledged body is
    // recognised after a restart.
    const prepared = await deps.prepare(signal, body, encoding, hash);
    await deps.writer.enqueue(prepared.parts);
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
