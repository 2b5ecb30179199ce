import { z } from 'zod';
import { RedactionConfig } from '../schema/fast.js';
import { StoreConfig } from '../store/index.js';
import { DEFAULT_ASK_RATE } from './approvals/ask-rate.js';

/** `ward serve` settings. */
export const ServerConfig = z.object({
  host: z.string().default('127.0.0.1').describe('Bind address; anything but loopback requires API tokens'),
  port: z.number().int().min(0).max(65535).default(4318).describe('Port for OTLP/HTTP, the API and the UI'),
  dataDir: z.string().default('.ward-data').describe('Embedded store, admin token, spool'),
  store: StoreConfig.prefault({}),
  adminToken: z.string().min(16, 'must be at least 16 characters').optional().describe('WARD_ADMIN_TOKEN'),
  tls: z
    .object({
      certFile: z.string().min(1).describe('PEM certificate chain (--tls-cert)'),
      keyFile: z.string().min(1).describe('PEM private key (--tls-key)'),
    })
    .optional()
    .describe('Serve HTTPS; required for a non-loopback bind unless insecureNoTls'),
  requireIngestToken: z
    .boolean()
    .default(false)
    .describe(
      'OTLP ingest needs a token even from loopback (--require-ingest-token; behind a reverse proxy)',
    ),
  riskBehindMs: z
    .number()
    .int()
    .min(0)
    .max(3_600_000)
    .default(10_000)
    .describe(
      'While the oldest event the analyzer has not scored is older than this, a hook call whose session has any unscored event gets ask where the gate would allow (its risk is not known); 0 turns this off',
    ),
  approvalPollMs: z
    .number()
    .int()
    .min(50)
    .max(60_000)
    .default(500)
    .describe(
      'How often waiters re-read their approvals from the store (--approval-poll-ms): the delay of a decision ' +
        'made on another instance; one query per interval per instance while anything waits',
    ),
  approvalRate: z
    .object({
      requests: z.number().int().min(1).max(1_000_000).default(DEFAULT_ASK_RATE.requests),
      windowS: z.number().int().min(1).max(86_400).default(DEFAULT_ASK_RATE.windowS),
    })
    .prefault({})
    .describe(
      'Approval requests one token may make per window (--approval-rate REQUESTS/SECONDS), each instance ' +
        'counting its own; beyond it 429 with Retry-After, and a hook asking then denies',
    ),
  sharedReceipts: z
    .boolean()
    .optional()
    .describe(
      'On a local miss, look an OTLP body hash up in the store (several instances on one ClickHouse: a retry ' +
        'landing on another instance is not stored twice); default on with a ClickHouse server URL',
    ),
  sharedReads: z
    .boolean()
    .optional()
    .describe(
      "On a hook call, look the session's secret reads up in the store when this instance holds none (several " +
        'instances on one ClickHouse: a read on one and a send on another still asks); default on with a ' +
        'ClickHouse server URL',
    ),
  insecureNoTls: z
    .boolean()
    .default(false)
    .describe(
      'Allow plain HTTP on a non-loopback bind (--insecure-no-tls): tokens and decisions travel in clear',
    ),
  limits: z
    .object({
      heldPerToken: z
        .number()
        .int()
        .min(1)
        .default(32)
        .describe('Long-polls, streams and waiting hooks per token'),
      heldTotal: z
        .number()
        .int()
        .min(1)
        .default(1024)
        .describe('Long-polls, streams and waiting hooks in total'),
      apiPerToken: z
        .number()
        .int()
        .min(1)
        .default(64)
        .describe('API requests in progress per token, held ones included (429 beyond)'),
      maxConnections: z.number().int().min(1).default(4096).describe('Open sockets; more are refused'),
      headersTimeoutMs: z
        .number()
        .int()
        .min(1000)
        .default(15_000)
        .describe('Longest a client may take to send request headers (slow-header clients are cut)'),
      requestTimeoutMs: z
        .number()
        .int()
        .min(1000)
        .default(120_000)
        .describe('Longest a client may take to send a whole request (slow bodies are cut)'),
    })
    .refine((l) => l.apiPerToken > l.heldPerToken, {
      message: 'limits.apiPerToken must be above limits.heldPerToken (held requests count toward it)',
    })
    .prefault({}),
  maxBodyBytes: z
    .number()
    .int()
    .min(1024)
    .default(16 * 1024 * 1024)
    .describe('Largest OTLP body, as sent and after decompression (413 beyond)'),
  ingestLimits: z
    .object({
      maxRecords: z
        .number()
        .int()
        .min(1)
        .default(100_000)
        .describe('Records (logs, spans, points) per request'),
      maxValues: z
        .number()
        .int()
        .min(1)
        .default(1_000_000)
        .describe('Values a request may decode to, counted on the wire before decoding (413 beyond)'),
      maxInflightRequests: z
        .number()
        .int()
        .min(1)
        .default(64)
        .describe(
          'OTLP requests being read, decoded or stored at once (503 + Retry-After beyond); one sender (token) holds at most three quarters',
        ),
      maxInflightBytes: z
        .number()
        .int()
        .min(1024)
        .default(48 * 1024 * 1024)
        .describe(
          'Body bytes (as sent plus decompressed) held by requests in flight (503 beyond); at least three maximal bodies, one sender (token) holding at most all but one',
        ),
      bodyDeadlineMs: z
        .number()
        .int()
        .min(100)
        .default(30_000)
        .describe('Longest a request body may take to arrive (408 beyond)'),
      workerHeapMb: z
        .number()
        .int()
        .min(32)
        .default(192)
        .describe("Each ingest worker's old-generation heap limit; a request needing more gets 413"),
    })
    .prefault({}),
  redaction: RedactionConfig.optional(),
  ingestWorkers: z
    .number()
    .int()
    .min(0)
    .max(64)
    .default(2)
    .describe('Worker threads that decode, redact and normalize OTLP (0 = on the main thread)'),
  time: z
    .object({
      maxFutureHours: z
        .number()
        .min(0)
        .default(24)
        .describe('Records stamped later than receive time + this are refused (partial success)'),
      maxPastDays: z
        .number()
        .int()
        .min(0)
        .optional()
        .describe('Records older than this are refused; default: the raw retention (rawTtlDays); 0 = none'),
    })
    .prefault({})
    .describe('The one time rule for logs, spans and data points (collector/ingest/time-rule.ts)'),
  batch: z
    .object({
      ack: z
        .enum(['journal', 'stored'])
        .optional()
        .describe(
          'When an OTLP request is acknowledged (--ingest-ack): once ClickHouse has stored its rows (stored, the ' +
            'default), or once they are fsynced to the journal under the data dir and inserted in large batches ' +
            'afterwards (journal: about a quarter more ingest at saturation, and at the memory bound; with shared ' +
            'receipts a retry landing on another instance before the rows are stored is stored twice)',
        ),
      maxBatchRows: z.number().int().min(1).default(20_000),
      maxBatchBytes: z
        .number()
        .int()
        .min(1024)
        .default(16 * 1024 * 1024)
        .describe('Payload bytes per insert; a larger request is inserted alone'),
      flushIntervalMs: z.number().int().min(1).default(25),
      maxQueuedRows: z.number().int().min(1).default(400_000),
      maxQueuedBytes: z
        .number()
        .int()
        .min(1024)
        .default(32 * 1024 * 1024)
        .describe(
          'Prepared row bytes waiting for the store (503 beyond); a larger request alone is still taken',
        ),
    })
    .prefault({}),
});
export type ServerConfig = z.input<typeof ServerConfig>;
