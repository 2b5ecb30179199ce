import { createGunzip, gunzipSync } from 'node:zlib';
import type { OtlpEncoding } from './decode.js';
import { OtlpBodyError } from './errors.js';

/** Maps the Content-Type media type (parameters such as charset ignored) to an encoding, else 415. */
function encodingOf(contentType: string | null): OtlpEncoding {
  const media = (contentType ?? '').split(';', 1)[0]!.trim().toLowerCase();
  if (media === 'application/x-protobuf') return 'protobuf';
  if (media === 'application/json') return 'json';
  throw new OtlpBodyError(
    415,
    `unsupported Content-Type ${JSON.stringify(contentType ?? '')}: use application/x-protobuf or application/json`,
  );
}

/** True for gzip, false for identity/absent; other codings (or stacked ones) are 415. */
function isGzip(contentEncoding: string | null): boolean {
  const codings = (contentEncoding ?? '')
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter((s) => s !== '' && s !== 'identity');
  if (codings.length === 0) return false;
  if (codings.length === 1 && (codings[0] === 'gzip' || codings[0] === 'x-gzip')) return true;
  throw new OtlpBodyError(
    415,
    `unsupported Content-Encoding ${JSON.stringify(contentEncoding)}: use gzip or none`,
  );
}

function busy(): OtlpBodyError {
  return new OtlpBodyError(503, 'too much OTLP data in flight: retry later');
}

function tooLarge(what: string, maxBytes: number): OtlpBodyError {
  return new OtlpBodyError(413, `${what} exceeds the limit of ${maxBytes} bytes`);
}

/**
 * Streams gzip input through zlib, failing with 413 as soon as the output passes `maxBytes`
 * (a gzip bomb never inflates further than that), and with 400 on corrupt or truncated data.
 */
class BoundedGunzip {
  private readonly gunzip = createGunzip();
  private readonly chunks: Buffer[] = [];
  private size = 0;
  private failure: OtlpBodyError | undefined;
  private readonly done: Promise<void>;

  constructor(maxBytes: number, reserve: (n: number) => boolean) {
    this.done = new Promise((resolve, reject) => {
      this.gunzip.on('data', (chunk: Buffer) => {
        this.size += chunk.length;
        if (this.size > maxBytes) {
          this.fail(tooLarge('decompressed body', maxBytes));
          return;
        }
        if (!reserve(chunk.length)) {
          this.fail(busy());
          return;
        }
        this.chunks.push(chunk);
      });
      this.gunzip.on('end', resolve);
      this.gunzip.on('error', (err: Error) => {
        this.failure ??= new OtlpBodyError(400, `invalid gzip body: ${err.message}`);
        reject(this.failure);
      });
      this.gunzip.on('close', () => {
        if (this.failure) reject(this.failure);
      });
    });
    this.done.catch(() => {});
  }

  private fail(err: OtlpBodyError): void {
    this.failure ??= err;
    this.chunks.length = 0;
    this.gunzip.destroy();
  }

  /** Feeds compressed bytes, waiting for zlib to drain so input is not buffered ahead of output. */
  async write(chunk: Uint8Array): Promise<void> {
    if (this.failure) throw this.failure;
    if (!this.gunzip.write(chunk)) {
      await new Promise<void>((resolve) => {
        const settle = () => {
          this.gunzip.off('drain', settle);
          this.gunzip.off('close', settle);
          resolve();
        };
        this.gunzip.on('drain', settle);
        this.gunzip.on('close', settle);
      });
    }
    if (this.failure) throw this.failure;
  }

  async end(): Promise<Buffer> {
    if (this.failure) throw this.failure;
    this.gunzip.end();
    await this.done;
    if (this.failure) throw this.failure;
    return Buffer.concat(this.chunks, this.size);
  }

  abort(): void {
    this.gunzip.destroy();
  }
}

/** Reads and drops up to `limit` more bytes (memory stays flat); stops early on errors. */
async function drain(reader: ReadableStreamDefaultReader<Uint8Array>, limit: number): Promise<void> {
  let left = limit;
  const stop = setTimeout(() => reader.cancel().catch(() => {}), 10_000);
  try {
    while (left > 0) {
      const { done, value } = await reader.read();
      if (done) return;
      left -= value.byteLength;
    }
  } catch {
    // the client went away: nothing to answer
  } finally {
    clearTimeout(stop);
  }
}

/** Drops a request body that will not be read (a refused request), up to `limit` bytes. */
export async function discardBody(req: Request, limit: number): Promise<void> {
  if (req.body === null || req.bodyUsed) return;
  const reader = req.body.getReader();
  await drain(reader, limit);
  await reader.cancel().catch(() => {});
}

/**
 * Reads, checks and decompresses an OTLP/HTTP request body. Throws OtlpBodyError: 415 for an unsupported
 * Content-Type or Content-Encoding, 413 when the body (as sent, or once decompressed) passes `maxBytes`,
 * 400 for a corrupt gzip stream or a bad Content-Length. Works with chunked bodies (no Content-Length).
 */
export async function readOtlpBody(
  req: Request,
  opts: {
    maxBytes: number;
    /** Takes `n` more bytes from a budget shared by all requests; false refuses the request (503). */
    reserve?: (n: number) => boolean;
    /** Longest the whole body may take to arrive (slow senders hold memory and a request slot): 408. */
    deadlineMs?: number;
  },
): Promise<{ body: Uint8Array; encoding: OtlpEncoding }> {
  const { maxBytes } = opts;
  const reserve = opts.reserve ?? (() => true);
  const encoding = encodingOf(req.headers.get('content-type'));
  const gzip = isGzip(req.headers.get('content-encoding'));
  const declared = req.headers.get('content-length');
  if (declared !== null) {
    const n = Number(declared.trim());
    if (declared.trim() === '' || !Number.isSafeInteger(n) || n < 0) {
      throw new OtlpBodyError(400, `invalid Content-Length ${JSON.stringify(declared)}`);
    }
    if (n > maxBytes) {
      await req.body?.cancel().catch(() => {});
      throw tooLarge(`Content-Length ${n}`, maxBytes);
    }
  }
  if (req.body === null) return { body: new Uint8Array(0), encoding };

  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let received = 0;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    if (opts.deadlineMs === undefined) return;
    timer = setTimeout(
      () => reject(new OtlpBodyError(408, `request body not received within ${opts.deadlineMs} ms`)),
      opts.deadlineMs,
    );
  });
  late.catch(() => {});
  try {
    for (;;) {
      const { done, value } = await Promise.race([reader.read(), late]);
      if (done) break;
      received += value.byteLength;
      if (received > maxBytes) throw tooLarge('request body', maxBytes);
      if (!reserve(value.byteLength)) throw busy();
      chunks.push(value);
    }
  } catch (err) {
    // Back-pressure: read the rest and drop it, so the client gets its 503 instead of a reset connection.
    if (err instanceof OtlpBodyError && err.status === 503) await drain(reader, maxBytes - received);
    await reader.cancel().catch(() => {});
    if (err instanceof OtlpBodyError) throw err;
    throw new OtlpBodyError(400, `could not read request body: ${(err as Error).message}`);
  } finally {
    clearTimeout(timer);
  }
  const raw = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, received);
  if (!gzip) return { body: raw, encoding };
  return { body: await inflate(raw, maxBytes, reserve), encoding };
}

/** Small outputs inflate in one synchronous call (a stream costs more than the work); larger ones stream. */
const ONE_SHOT_OUTPUT = 1024 * 1024;

/**
 * Decompresses a gzip body, never holding more than `maxBytes` of output (413 beyond) and taking each
 * decompressed byte from the shared budget (503 when spent). Corrupt or truncated data is 400.
 */
async function inflate(
  raw: Uint8Array,
  maxBytes: number,
  reserve: (n: number) => boolean,
): Promise<Uint8Array> {
  try {
    const out = gunzipSync(raw, { maxOutputLength: Math.min(maxBytes, ONE_SHOT_OUTPUT) });
    if (!reserve(out.length)) throw busy();
    return out;
  } catch (err) {
    if (err instanceof OtlpBodyError) throw err;
    if ((err as NodeJS.ErrnoException).code !== 'ERR_BUFFER_TOO_LARGE')
      throw new OtlpBodyError(400, `invalid gzip body: ${(err as Error).message}`);
    if (maxBytes <= ONE_SHOT_OUTPUT) throw tooLarge('decompressed body', maxBytes);
  }
  const inflater = new BoundedGunzip(maxBytes, reserve);
  try {
    for (let i = 0; i < raw.length; i += 64 * 1024) await inflater.write(raw.subarray(i, i + 64 * 1024));
  } catch (err) {
    inflater.abort();
    throw err;
  }
  return inflater.end();
}
