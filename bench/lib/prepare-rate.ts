import { parentPort, Worker } from 'node:worker_threads';
import { DEFAULT_WORKER_LIMITS, prepareRequest } from '../../collector/index.js';
import { createRedactor } from '../../schema/fast.js';
import { type EncodedBatch, withSeq } from './batches.js';

export interface PrepareRate {
  threads: number;
  records: number;
  seconds: number;
  recordsPerSec: number;
  /** CPU time of the whole process (every thread, V8's helpers included) per record, in µs. */
  cpuUs: number;
}

/** What one preparing thread is given: the requests, how many records to prepare, where its sequence starts. */
export interface PrepareJob {
  kind: 'prepare';
  batches: EncodedBatch[];
  records: number;
  seqBase: number;
}

/**
 * Ward's own work per record without the engine, HTTP or the main thread: decode → redact → normalize →
 * RowBinary of the same requests on `threads` worker threads at once, as the server's ingest workers run it
 * (same heap limits, each request with its own session id). Nothing is stored. The threads prepare their
 * requests once untimed (so the JIT is warm), then `records` in all are timed.
 */
export async function measurePrepare(
  script: string,
  threads: number,
  batches: EncodedBatch[],
  records: number,
): Promise<PrepareRate> {
  const each = Math.ceil(records / threads);
  const workers = Array.from(
    { length: threads },
    (_, i) =>
      new Worker(script, {
        workerData: {
          kind: 'prepare',
          batches,
          records: each,
          seqBase: i * 1_000_000_000,
        } satisfies PrepareJob,
        resourceLimits: { ...DEFAULT_WORKER_LIMITS, stackSizeMb: 4 },
      }),
  );
  const next = (w: Worker) =>
    new Promise<number>((resolve, reject) => {
      w.once('message', resolve);
      w.once('error', reject);
    });
  try {
    await Promise.all(workers.map(next)); // warmed up
    const cpuStart = process.cpuUsage();
    const start = performance.now();
    const done = workers.map(next);
    for (const w of workers) w.postMessage('go');
    const prepared = (await Promise.all(done)).reduce((n, r) => n + r, 0);
    const seconds = (performance.now() - start) / 1000;
    const cpu = process.cpuUsage(cpuStart);
    return {
      threads,
      records: prepared,
      seconds,
      recordsPerSec: prepared / seconds,
      cpuUs: (cpu.user + cpu.system) / prepared,
    };
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

/** One preparing thread (the worker side of measurePrepare). */
export function runPrepare(job: PrepareJob): void {
  const redactor = createRedactor();
  const opts = { codec: { rowBinary: true } };
  let seq = job.seqBase;
  const prepareSome = (records: number): number => {
    let n = 0;
    for (let k = 0; n < records; k++) {
      const batch = job.batches[k % job.batches.length] as EncodedBatch;
      n += prepareRequest('logs', withSeq(batch, seq++), 'protobuf', redactor, opts, Date.now(), 'h').records;
    }
    return n;
  };
  prepareSome(job.batches.reduce((n, b) => n + b.records, 0));
  parentPort?.postMessage(0);
  parentPort?.once('message', () => parentPort?.postMessage(prepareSome(job.records)));
}
