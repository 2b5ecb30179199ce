/** The batching writer's options, parts and stats (collector/ingest/writer.ts). */

/** How a payload is serialized: newline-terminated JSONEachRow, or RowBinary in the store's column layout. */
export type PayloadFormat = 'JSONEachRow' | 'RowBinary';

/** Stores a payload of `rows` rows into `table`. */
export type Sink = (table: string, payload: Uint8Array, rows: number, format: PayloadFormat) => Promise<void>;

export interface Spool {
  /** Durably keeps a payload that could not be stored (fsynced before it resolves). */
  write(table: string, payload: Uint8Array, format: PayloadFormat, rows: number): Promise<void>;
}

/** Rows of one table, serialized. */
export interface WriterPart {
  table: string;
  format: PayloadFormat;
  payload: Uint8Array;
  rows: number;
}

export interface WriterOptions {
  sink: Sink;
  spool?: Spool;
  /** Rows per insert; bounds how long one engine call holds the event loop. */
  maxBatchRows?: number;
  /**
   * Payload bytes per insert (a request larger than this is inserted alone): the engine's memory for an insert
   * grows with it (inserts of large rows took 120-190 MiB each in bench:flood).
   */
  maxBatchBytes?: number;
  /** Longest a row waits for company before it is flushed. */
  flushIntervalMs?: number;
  /**
   * For rows already durable elsewhere (the journal; nobody waits for their insert): after an insert, a queue
   * holding less than `maxBatchRows` waits up to this long for more before the next one, so that a busy writer
   * inserts full batches (the engine's CPU per row falls with the insert's size). 0 (the default): the next
   * insert starts at once with whatever queued meanwhile. Barriers, flush and close never wait for it.
   */
  lingerMs?: number;
  /** Rows waiting or being inserted above which new work is refused (503 + Retry-After). */
  maxQueuedRows?: number;
  /** Payload bytes waiting or being inserted above which new work is refused (rows vary in size). */
  maxQueuedBytes?: number;
  /** Of those, what one sender may hold (default: all of them); one holding nothing is taken as above. */
  maxSenderQueuedBytes?: number;
  /** Of the rows, what one sender may hold (default: all of them). */
  maxSenderQueuedRows?: number;
  /** Attempts per batch before it goes to the spool. */
  attempts?: number;
  onError?: (err: unknown, table: string) => void;
  /**
   * After each batch of `table` is stored or spooled: the highest journal sequence number in it. Batches of a
   * table settle in the order their rows were committed, so every row of that table up to `seq` is safe.
   */
  onStored?: (table: string, seq: number) => void;
  /** A batch of `table` was neither stored nor spooled: rows from `seq` on are kept only where they came from. */
  onLost?: (table: string, seq: number) => void;
}

/** Room held for rows about to be committed (journal mode): counted against the bounds until committed. */
export interface Reservation {
  /** Queues the rows under journal sequence `seq`; resolves once all of them are stored or spooled. */
  commit(seq: number): Promise<void>;
  /** Gives the room back (the rows were not made durable). */
  cancel(): void;
}

export interface WriterStats {
  queuedRows: number;
  inFlightRows: number;
  /** Payload bytes queued or being inserted. */
  pendingBytes: number;
  storedRows: number;
  spooledRows: number;
  failedBatches: number;
  flushes: number;
  /** Per table: inserts that stored rows, and the rows they stored (their ratio is the insert size ingest reaches). */
  inserts: Record<string, { count: number; rows: number }>;
}
