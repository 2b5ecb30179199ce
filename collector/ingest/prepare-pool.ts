import { Worker } from 'node:worker_threads';
import { createRedactor, type RedactionConfigInput } from '../../schema/fast.js';
import type { OtlpSignal } from '../../schema/index.js';
import { OtlpDecodeError, type OtlpEncoding } from '../otlp/index.js';
import { type PreparedRequest, prepareRequest } from './prepare.js';

export interface PrepareJob {
  id: number;
  signal: OtlpSignal;
  body: Uint8Array;
  encoding: OtlpEncoding;
}

export type PrepareReply =
  | { id: number; ok: true; result: PreparedRequest }
  | { id: number; ok: false; decode: boolean; message: string };

export interface PreparePoolOptions {
  /** Worker threads; 0 prepares on the calling thread. */
  size: number;
  /** The built worker script (dist/collector/ingest/prepare-worker.js); required when size > 0. */
  script?: URL;
  redaction?: RedactionConfigInput;
  /** Serialize otel_logs and agent_events as RowBinary (only when the store is the embedded engine). */
  rowBinary?: boolean;
}

export type Prepare = (
  signal: OtlpSignal,
  body: Uint8Array,
  encoding: OtlpEncoding,
) => Promise<PreparedRequest>;

interface Slot {
  worker: Worker;
  busy: number;
  pending: Map<number, { resolve: (r: PreparedRequest) => void; reject: (e: unknown) => void }>;
}

/** Runs `prepareRequest` on a pool of worker threads (least busy first), or inline when size is 0. */
export function createPreparePool(opts: PreparePoolOptions): { prepare: Prepare; close(): Promise<void> } {
  if (opts.size <= 0 || !opts.script) {
    const redactor = createRedactor(opts.redaction);
    const prepareOpts = { rowBinary: opts.rowBinary ?? false };
    return {
      prepare: async (signal, body, encoding) =>
        prepareRequest(signal, body, encoding, redactor, prepareOpts),
      close: async () => {},
    };
  }
  let nextId = 1;
  const slots: Slot[] = [];
  const script = opts.script;
  const spawn = (): Slot => {
    const slot: Slot = {
      worker: new Worker(script, {
        workerData: { redaction: opts.redaction, rowBinary: opts.rowBinary ?? false },
      }),
      busy: 0,
      pending: new Map(),
    };
    slot.worker.on('message', (reply: PrepareReply) => {
      const p = slot.pending.get(reply.id);
      if (!p) return;
      slot.pending.delete(reply.id);
      slot.busy--;
      if (reply.ok) p.resolve(reply.result);
      else p.reject(reply.decode ? new OtlpDecodeError(reply.message) : new Error(reply.message));
    });
    // A crashed worker fails its jobs (the client retries on 503) and is replaced.
    slot.worker.on('error', (err) => {
      for (const p of slot.pending.values()) p.reject(err);
      slot.pending.clear();
      slot.busy = 0;
      const i = slots.indexOf(slot);
      if (i >= 0 && !closed) slots[i] = spawn();
    });
    slot.worker.unref();
    return slot;
  };
  let closed = false;
  for (let i = 0; i < opts.size; i++) slots.push(spawn());
  return {
    prepare(signal, body, encoding) {
      if (closed) return Promise.reject(new Error('prepare pool closed'));
      let slot = slots[0] as Slot;
      for (const s of slots) if (s.busy < slot.busy) slot = s;
      const id = nextId++;
      slot.busy++;
      return new Promise<PreparedRequest>((resolve, reject) => {
        slot.pending.set(id, { resolve, reject });
        const job: PrepareJob = { id, signal, body, encoding };
        // Hand the body over instead of copying it when it owns its whole buffer (it is not used again here).
        const buf = body.buffer;
        const owns =
          buf instanceof ArrayBuffer && body.byteOffset === 0 && body.byteLength === buf.byteLength;
        slot.worker.postMessage(job, owns ? [buf] : []);
      });
    },
    async close() {
      closed = true;
      await Promise.all(slots.map((s) => s.worker.terminate()));
    },
  };
}
