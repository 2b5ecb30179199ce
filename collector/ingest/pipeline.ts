import { createHash } from 'node:crypto';
import type { OtlpSignal } from '../../schema/index.js';
import type { OtlpEncoding } from '../otlp/index.js';
import type { Prepare } from './prepare-pool.js';
import type { ReceiptSet } from './receipts.js';
import type { BatchingWriter, WriterPart } from './writer.js';

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
  /** The receipt row stored with a request's rows, so an acknowledged body is recognised after a restart. */
  receiptPart: (hash: string, signal: OtlpSignal, records: number) => WriterPart;
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
    const prepared = await deps.prepare(signal, body, encoding);
    await deps.writer.enqueue([...prepared.parts, deps.receiptPart(hash, signal, prepared.records)]);
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
