/**
 * Worker-thread entry: prepares OTLP requests off the main thread so the HTTP loop stays responsive and
 * both cores decode. Built to dist/collector/ingest/prepare-worker.js.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createRedactor } from '../../schema/fast.js';
import type { IngestCodec } from '../../store/fast.js';
import { OtlpDecodeError, type OtlpDecodeOptions, OtlpTooLargeError } from '../otlp/index.js';
import { prepareRequest } from './prepare.js';
import type { PrepareJob, PrepareReply } from './prepare-pool.js';
import { lowerThisThreadPriority } from './thread-priority.js';
import type { TimeWindowOptions } from './time-rule.js';

const data = workerData as
  | { redaction?: unknown; codec?: IngestCodec; time?: TimeWindowOptions; limits?: OtlpDecodeOptions }
  | undefined;
// Interactive first: decoding yields the CPU to the thread that answers approvals, hooks and the API.
lowerThisThreadPriority(10);
const redactor = createRedactor(data?.redaction as never);
const opts = {
  codec: { rowBinary: data?.codec?.rowBinary === true },
  ...(data?.time ? { time: data.time } : {}),
  ...(data?.limits ? { limits: data.limits } : {}),
};

parentPort?.on('message', (job: PrepareJob) => {
  let reply: PrepareReply;
  try {
    const result = prepareRequest(
      job.signal,
      job.body,
      job.encoding,
      redactor,
      opts,
      Date.now(),
      job.bodyHash,
      job.sender,
    );
    reply = { id: job.id, ok: true, result };
  } catch (err) {
    reply = {
      id: job.id,
      ok: false,
      decode: err instanceof OtlpDecodeError,
      tooLarge: err instanceof OtlpTooLargeError,
      message: err instanceof Error ? err.message : String(err),
    };
  }
  const transfer = reply.ok ? reply.result.parts.map((p) => p.payload.buffer as ArrayBuffer) : [];
  parentPort?.postMessage(reply, transfer);
});
