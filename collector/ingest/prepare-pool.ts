import { Worker } from 'node:worker_threads';
import { createRedactor, type RedactionConfigInput } from '../../schema/fast.js';
import type { OtlpSignal } from '../../schema/index.js';
import type { IngestCodec } from '../../store/fast.js';
import type { NormalizeContext } from '../normalize/index.js';
import {
  OtlpDecodeError,
  type OtlpDecodeOptions,
  type OtlpEncoding,
  OtlpTooLargeError,
} from '../otlp/index.js';
import { type PreparedRequest, prepareRequest } from './prepare.js';
import type { TimeWindowOptions } from './time-rule.js';

type Sender = NonNullable<NormalizeContext['sender']>;

export interface PrepareJob {
  id: number;
  signal: OtlpSignal;
  body: Uint8Array;
  encoding: OtlpEncoding;
  /** SHA-256 of the signal and body: the receipt row's key. */
  bodyHash: string;
  /** The token the request came with (its events carry it). */
  sender?: Sender | undefined;
}

export type PrepareReply =
  | { id: number; ok: true; result: PreparedRequest }
  | { id: number; ok: false; decode: boolean; tooLarge?: boolean; message: string };

/** Preparing a request failed for a reason in the request itself (not transient: answered 400). */
export class PrepareError extends Error {}

/** A worker died while preparing other requests than the one that killed it: retryable (503). */
export class WorkerLostError extends Error {}

/** Heap limits of each ingest worker: a request that needs more is refused, the server lives on. */
export interface WorkerLimits {
  maxOldGenerationSizeMb: number;
  maxYoungGenerationSizeMb: number;
}
/**
 * An ingest worker's young generation: V8's default on 64-bit (16 MiB semi-spaces, 48 MiB). A request's records
 * live until its rows are encoded, so with 4 MiB semi-spaces each scavenge copied ~3 MiB of them and promoted
 * them to the old generation (700 scavenges and 35 full collections per worker in 20 s of saturated
 * bench:ingest); 48 MiB: +16 % events/s on average over seven alternating runs (README, Memory and performance).
 */
export const INGEST_YOUNG_GENERATION_MB = 48;
export const DEFAULT_WORKER_LIMITS: WorkerLimits = {
  maxOldGenerationSizeMb: 256,
  maxYoungGenerationSizeMb: INGEST_YOUNG_GENERATION_MB,
};

export interface PreparePoolOptions {
  /** Worker threads; 0 prepares on the calling thread. */
  size: number;
  /** The built worker script (dist/collector/ingest/prepare-worker.js); required when size > 0. */
  script?: URL;
  redaction?: RedactionConfigInput;
  /** The store's wire format (`store.ingest.codec`). */
  codec: IngestCodec;
  /** The accepted time range around the receive time. */
  time?: TimeWindowOptions;
  /** Decode limits (records, values, depth, attributes). */
  limits?: OtlpDecodeOptions;
  workerLimits?: WorkerLimits;
}

export type Prepare = (
  signal: OtlpSignal,
  body: Uint8Array,
  encoding: OtlpEncoding,
  bodyHash: string,
  sender?: Sender,
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
    const prepareOpts = {
      codec: opts.codec,
      ...(opts.time ? { time: opts.time } : {}),
      ...(opts.limits ? { limits: opts.limits } : {}),
    };
    return {
      prepare: async (signal, body, encoding, bodyHash, sender) => {
        try {
          return prepareRequest(signal, body, encoding, redactor, prepareOpts, Date.now(), bodyHash, sender);
        } catch (err) {
          if (err instanceof OtlpDecodeError) throw err;
          throw new PrepareError(err instanceof Error ? err.message : String(err));
        }
      },
      close: async () => {},
    };
  }
  let nextId = 1;
  const slots: Slot[] = [];
  const script = opts.script;
  const spawn = (): Slot => {
    const slot: Slot = {
      worker: new Worker(script, {
        workerData: {
          redaction: opts.redaction,
          codec: opts.codec,
          time: opts.time,
          limits: opts.limits,
        },
        resourceLimits: { ...(opts.workerLimits ?? DEFAULT_WORKER_LIMITS), stackSizeMb: 4 },
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
      else
        p.reject(
          reply.tooLarge
            ? new OtlpTooLargeError(reply.message)
            : reply.decode
              ? new OtlpDecodeError(reply.message)
              : new PrepareError(reply.message),
        );
    });
    // A worker that dies (out of its heap limit) is replaced. It works through its jobs in order, so the
    // oldest pending job killed it: that request is refused for good (413); the others were innocent
    // bystanders and are told to retry (503).
    let why = '';
    slot.worker.on('error', (err) => {
      why = err.message;
    });
    slot.worker.on('exit', () => {
      let first = true;
      for (const p of slot.pending.values()) {
        p.reject(
          first
            ? new OtlpTooLargeError(
                `request needs more memory than an ingest worker may use (${why || 'worker exited'})`,
              )
            : new WorkerLostError('ingest worker restarted: retry'),
        );
        first = false;
      }
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
    prepare(signal, body, encoding, bodyHash, sender) {
      if (closed) return Promise.reject(new Error('prepare pool closed'));
      let slot = slots[0] as Slot;
      for (const s of slots) if (s.busy < slot.busy) slot = s;
      const id = nextId++;
      slot.busy++;
      return new Promise<PreparedRequest>((resolve, reject) => {
        slot.pending.set(id, { resolve, reject });
        const job: PrepareJob = { id, signal, body, encoding, bodyHash, sender };
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
