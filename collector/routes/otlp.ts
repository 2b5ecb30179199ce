import { type Context, Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { OtlpSignal } from '../../schema/index.js';
import type { Admission } from '../ingest/admission.js';
import type { Ingest } from '../ingest/pipeline.js';
import { PrepareError } from '../ingest/prepare-pool.js';
import { BackPressureError, WriterClosedError } from '../ingest/writer.js';
import type { Authorize } from '../middleware/auth.js';
import {
  discardBody,
  encodeExportResponse,
  encodeStatus,
  OtlpBodyError,
  OtlpDecodeError,
  type OtlpEncoding,
  OtlpTooLargeError,
  readOtlpBody,
} from '../otlp/index.js';

export interface OtlpRoutesDeps {
  ingest: Ingest;
  authorize: Authorize;
  maxBodyBytes: number;
  log: (msg: string) => void;
  /** Requests and bytes in flight across all OTLP requests; unbounded without it (tests). */
  admission?: Admission;
  /** Longest a request body may take to arrive. */
  bodyDeadlineMs?: number;
}

function encodingOf(req: Request): OtlpEncoding {
  return (req.headers.get('content-type') ?? '').toLowerCase().includes('json') ? 'json' : 'protobuf';
}

/** An OTLP error: google.rpc.Status body in the request's encoding, per the OTLP/HTTP spec. */
function otlpError(
  status: 400 | 408 | 413 | 415 | 503,
  req: Request,
  message: string,
  headers: Record<string, string> = {},
): HTTPException {
  const { body, contentType } = encodeStatus(encodingOf(req), status === 503 ? 14 : 3, message);
  const res = new Response(body, { status, headers: { 'content-type': contentType, ...headers } });
  return new HTTPException(status, { res, message });
}

/** POST /v1/logs, /v1/traces, /v1/metrics (OTLP/HTTP, protobuf or JSON, optionally gzip). */
export function otlpRoutes(deps: OtlpRoutesDeps) {
  const app = new Hono();
  const handler = (signal: OtlpSignal) =>
    async function receive(c: Context) {
      // The sender is the token (every open loopback sender is `loopback`; with open loopback ingest no share
      // applies, since a token does not tell agents apart there: admissionBounds).
      const principal = c.get('principal') as { id?: string; name?: string } | undefined;
      const sender = principal?.id ?? '';
      const ticket = deps.admission?.enter(sender);
      if (ticket === null) {
        await discardBody(c.req.raw, deps.maxBodyBytes);
        throw otlpError(
          503,
          c.req.raw,
          'too many OTLP requests in flight (in all, or from this sender): retry later',
          {
            'retry-after': '1',
          },
        );
      }
      try {
        return await handle(c, signal, sender, principal?.name ?? '', ticket?.reserve);
      } finally {
        ticket?.release();
      }
    };
  const handle = async (
    c: Context,
    signal: OtlpSignal,
    sender: string,
    senderName: string,
    reserve?: (n: number) => boolean,
  ) => {
    let body: Uint8Array;
    let encoding: OtlpEncoding;
    try {
      ({ body, encoding } = await readOtlpBody(c.req.raw, {
        maxBytes: deps.maxBodyBytes,
        ...(reserve ? { reserve } : {}),
        ...(deps.bodyDeadlineMs ? { deadlineMs: deps.bodyDeadlineMs } : {}),
      }));
    } catch (err) {
      if (err instanceof OtlpBodyError)
        throw otlpError(err.status, c.req.raw, err.message, err.status === 503 ? { 'retry-after': '1' } : {});
      throw err;
    }
    try {
      const result = await deps.ingest(signal, body, encoding, sender, senderName);
      const partial = result.rejected ? { rejected: result.rejected, message: result.message } : undefined;
      const res = encodeExportResponse(signal, encoding, partial);
      return c.body(res.body as Uint8Array<ArrayBuffer>, 200, { 'content-type': res.contentType });
    } catch (err) {
      if (err instanceof OtlpTooLargeError) throw otlpError(413, c.req.raw, err.message);
      if (err instanceof OtlpDecodeError)
        throw otlpError(400, c.req.raw, `malformed ${signal} request: ${err.message}`);
      if (err instanceof BackPressureError || err instanceof WriterClosedError) {
        throw otlpError(503, c.req.raw, err.message, { 'retry-after': '1' });
      }
      if (err instanceof PrepareError)
        throw otlpError(400, c.req.raw, `${signal} request refused: ${err.message}`);
      deps.log(`ingest of ${signal} failed: ${err instanceof Error ? err.message : String(err)}`);
      throw otlpError(503, c.req.raw, 'storage unavailable: retry later', { 'retry-after': '5' });
    }
  };
  app.post('/logs', deps.authorize('ingest'), handler('logs'));
  app.post('/traces', deps.authorize('ingest'), handler('traces'));
  app.post('/metrics', deps.authorize('ingest'), handler('metrics'));
  return app;
}
