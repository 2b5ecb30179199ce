import { createGzip, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { OtlpBodyError, readOtlpBody } from './index.js';

const MAX = 1 << 20;

function post(headers: Record<string, string>, body?: BodyInit): Request {
  // Node's fetch needs duplex: 'half' for stream bodies; the DOM lib types do not know it yet.
  return new Request('http://127.0.0.1/v1/logs', {
    method: 'POST',
    headers,
    body,
    duplex: 'half',
  } as RequestInit);
}

/** A chunked body (no Content-Length), the way Claude Code sends it. */
function chunked(chunks: Uint8Array[]): ReadableStream<Uint8Array> {
  let i = 0;
  return new ReadableStream({
    pull(controller) {
      const next = chunks[i++];
      if (next) controller.enqueue(next);
      else controller.close();
    },
  });
}

async function bodyError(req: Request, maxBytes = MAX): Promise<OtlpBodyError> {
  try {
    await readOtlpBody(req, { maxBytes });
  } catch (e) {
    expect(e).toBeInstanceOf(OtlpBodyError);
    return e as OtlpBodyError;
  }
  throw new Error('expected an OtlpBodyError, reading succeeded');
}

const PB = { 'content-type': 'application/x-protobuf' };
const JSON_CT = { 'content-type': 'application/json' };

describe('readOtlpBody: content negotiation', () => {
  it.each([
    ['application/x-protobuf', 'protobuf'],
    ['application/json', 'json'],
    ['Application/JSON; charset=utf-8', 'json'],
    ['application/x-protobuf;foo=bar', 'protobuf'],
  ] as const)('Content-Type %s reads as %s', async (ct, encoding) => {
    const res = await readOtlpBody(post({ 'content-type': ct }, 'abc'), { maxBytes: MAX });
    expect(res.encoding).toBe(encoding);
    expect(Buffer.from(res.body).toString()).toBe('abc');
  });

  it.each([
    ['text/plain', { 'content-type': 'text/plain' }],
    ['no Content-Type', {}],
    ['application/protobuf', { 'content-type': 'application/protobuf' }],
    ['application/jsonl', { 'content-type': 'application/jsonl' }],
    ['Content-Encoding br', { ...PB, 'content-encoding': 'br' }],
    ['Content-Encoding deflate', { ...PB, 'content-encoding': 'deflate' }],
    ['Content-Encoding gzip, gzip', { ...PB, 'content-encoding': 'gzip, gzip' }],
  ] as [string, Record<string, string>][])('%s is 415', async (_name, headers) => {
    expect((await bodyError(post(headers, 'abc'))).status).toBe(415);
  });

  it('identity encoding and an absent body are accepted', async () => {
    const res = await readOtlpBody(post({ ...PB, 'content-encoding': 'identity' }, 'x'), { maxBytes: MAX });
    expect(res.body).toHaveLength(1);
    expect((await readOtlpBody(post(PB), { maxBytes: MAX })).body).toHaveLength(0);
  });
});

describe('readOtlpBody: sizes', () => {
  it('reads chunked bodies without Content-Length', async () => {
    const parts = [Buffer.from('{"resource'), Buffer.from('Logs":'), Buffer.from('[]}')];
    const res = await readOtlpBody(post(JSON_CT, chunked(parts)), { maxBytes: MAX });
    expect(Buffer.from(res.body).toString()).toBe('{"resourceLogs":[]}');
  });

  it('a chunked body over the limit is 413', async () => {
    const parts = Array.from({ length: 10 }, () => new Uint8Array(200));
    expect((await bodyError(post(PB, chunked(parts)), 1000)).status).toBe(413);
    // Exactly at the limit is fine.
    const exact = await readOtlpBody(post(PB, chunked(parts.slice(0, 5))), { maxBytes: 1000 });
    expect(exact.body).toHaveLength(1000);
  });

  it('a declared Content-Length over the limit is 413 without reading the body', async () => {
    let pulled = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++;
        controller.enqueue(new Uint8Array(16));
      },
    });
    const err = await bodyError(post({ ...PB, 'content-length': String(MAX + 1) }, stream));
    expect(err.status).toBe(413);
    expect(err.message).toMatch(/Content-Length/);
    // ReadableStream pulls once to fill its queue when created; reading would pull far more.
    expect(pulled).toBeLessThanOrEqual(1);
  });

  it('an invalid Content-Length is 400', async () => {
    expect((await bodyError(post({ ...PB, 'content-length': 'lots' }, 'x'))).status).toBe(400);
  });
});

describe('readOtlpBody: gzip', () => {
  it('decompresses gzip (also sent in small chunks)', async () => {
    const original = Buffer.from(JSON.stringify({ resourceLogs: [], pad: 'x'.repeat(10_000) }));
    const gz = gzipSync(original);
    const whole = await readOtlpBody(post({ ...JSON_CT, 'content-encoding': 'gzip' }, gz), { maxBytes: MAX });
    expect(Buffer.from(whole.body).equals(original)).toBe(true);
    const parts: Uint8Array[] = [];
    for (let i = 0; i < gz.length; i += 7) parts.push(gz.subarray(i, i + 7));
    const streamed = await readOtlpBody(post({ ...JSON_CT, 'content-encoding': 'GZIP' }, chunked(parts)), {
      maxBytes: MAX,
    });
    expect(Buffer.from(streamed.body).equals(original)).toBe(true);
  });

  it('corrupt or truncated gzip is 400', async () => {
    const gz = gzipSync(Buffer.alloc(5000, 7));
    const corrupt = Buffer.from(gz);
    corrupt[20] = (corrupt[20]! + 1) % 256;
    corrupt[21] = (corrupt[21]! + 1) % 256;
    expect((await bodyError(post({ ...PB, 'content-encoding': 'gzip' }, corrupt))).status).toBe(400);
    expect(
      (await bodyError(post({ ...PB, 'content-encoding': 'gzip' }, gz.subarray(0, gz.length - 10)))).status,
    ).toBe(400);
    expect((await bodyError(post({ ...PB, 'content-encoding': 'gzip' }, 'not gzip at all'))).status).toBe(
      400,
    );
  });

  it('a decompressed size over the limit is 413', async () => {
    const gz = gzipSync(Buffer.alloc(MAX + 1));
    expect((await bodyError(post({ ...PB, 'content-encoding': 'gzip' }, gz))).status).toBe(413);
    const fits = await readOtlpBody(
      post({ ...PB, 'content-encoding': 'gzip' }, gzipSync(Buffer.alloc(MAX))),
      {
        maxBytes: MAX,
      },
    );
    expect(fits.body).toHaveLength(MAX);
  });

  it('a gzip bomb (1 GiB of zeros in ~1 MB) is 413 and memory stays bounded', async () => {
    // Compress 1 GiB of zeros as a stream, never holding it in memory.
    const gzip = createGzip({ level: 9 });
    const out: Buffer[] = [];
    gzip.on('data', (c: Buffer) => out.push(c));
    const finished = new Promise((resolve) => gzip.on('end', resolve));
    const zeros = Buffer.alloc(1 << 20);
    for (let i = 0; i < 1024; i++) {
      if (!gzip.write(zeros)) await new Promise((resolve) => gzip.once('drain', resolve));
    }
    gzip.end();
    await finished;
    const bomb = Buffer.concat(out);
    expect(bomb.length).toBeLessThan(2 << 20);

    const maxBytes = 4 << 20;
    const before = process.memoryUsage();
    const parts: Uint8Array[] = [];
    for (let i = 0; i < bomb.length; i += 64 * 1024) parts.push(bomb.subarray(i, i + 64 * 1024));
    const started = performance.now();
    const err = await bodyError(post({ ...PB, 'content-encoding': 'gzip' }, chunked(parts)), maxBytes);
    const elapsed = performance.now() - started;
    const after = process.memoryUsage();
    expect(err.status).toBe(413);
    expect(err.message).toMatch(/decompressed body exceeds the limit of 4194304 bytes/);
    // Inflating 1 GiB would take seconds and a gigabyte; stopping at 4 MiB takes milliseconds and megabytes.
    expect(after.rss - before.rss).toBeLessThan(128 << 20);
    expect(after.arrayBuffers - before.arrayBuffers).toBeLessThan(64 << 20);
    // Measured ~30 ms; inflating the whole GiB takes 0.5-2 s.
    expect(elapsed).toBeLessThan(400);
  });
});
