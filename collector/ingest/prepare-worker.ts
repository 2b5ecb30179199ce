/**
 * Worker-thread entry: prepares OTLP requests off the main thread so the HTTP loop stays responsive and
 * both cores decode. Built to dist/collector/ingest/prepare-worker.js.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createRedactor } from '../../schema/fast.js';
import { OtlpDecodeError } from '../otlp/index.js';
import { prepareRequest } from './prepare.js';
import type { PrepareJob, PrepareReply } from './prepare-pool.js';

const data = workerData as { redaction?: unknown; rowBinary?: boolean } | undefined;
const redactor = createRedactor(data?.redaction as never);
const opts = { rowBinary: data?.rowBinary === true };

parentPort?.on('message', (job: PrepareJob) => {
  let reply: PrepareReply;
  try {
    const result = prepareRequest(job.signal, job.body, job.encoding, redactor, opts);
    reply = { id: job.id, ok: true, result };
  } catch (err) {
    reply = {
      id: job.id,
      ok: false,
      decode: err instanceof OtlpDecodeError,
      message: err instanceof Error ? err.message : String(err),
    };
  }
  const transfer = reply.ok ? reply.result.parts.map((p) => p.payload.buffer as ArrayBuffer) : [];
  parentPort?.postMessage(reply, transfer);
});
