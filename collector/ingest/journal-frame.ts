import { createHmac, timingSafeEqual } from 'node:crypto';
import { isIngestTable } from '../../store/fast.js';
import type { PayloadFormat, WriterPart } from './writer.js';

/**
 * One journal record on disk: the parts of one acknowledged OTLP request under a sequence number.
 *
 *   'WJR1' | u32 body length | HMAC-SHA256(key, 'ward-journal-v1\0' + body) | body
 *   body = u64 seq | u16 parts | per part: u8 table length, table, u8 format, u32 rows, u32 payload length, payload
 *
 * The HMAC (the spool's key) means replay takes only records this server wrote: a record planted or altered
 * by another process, say one naming `api_tokens`, is refused, as is one naming any table that is not an
 * ingest table.
 */
const MAGIC = Buffer.from('WJR1', 'latin1');
const HEAD = MAGIC.length + 4 + 32;
const DOMAIN = Buffer.from('ward-journal-v1\0', 'latin1');
/** Larger bodies are refused on read before any allocation (a request's parts are far smaller). */
export const MAX_BODY_BYTES = 1 << 30;

export interface JournalRecord {
  seq: number;
  parts: WriterPart[];
}

const mac = (key: Buffer, body: Uint8Array) => createHmac('sha256', key).update(DOMAIN).update(body).digest();

/** The record as buffers to write (the payloads are not copied). */
export function encodeRecord(key: Buffer, seq: number, parts: readonly WriterPart[]): Buffer[] {
  const pieces: Buffer[] = [];
  const start = Buffer.alloc(10);
  start.writeBigUInt64LE(BigInt(seq), 0);
  start.writeUInt16LE(parts.length, 8);
  pieces.push(start);
  for (const p of parts) {
    const name = Buffer.from(p.table, 'utf8');
    const h = Buffer.alloc(1 + name.length + 1 + 8);
    h.writeUInt8(name.length, 0);
    name.copy(h, 1);
    h.writeUInt8(p.format === 'RowBinary' ? 1 : 0, 1 + name.length);
    h.writeUInt32LE(p.rows, 2 + name.length);
    h.writeUInt32LE(p.payload.byteLength, 6 + name.length);
    pieces.push(h, Buffer.from(p.payload.buffer, p.payload.byteOffset, p.payload.byteLength));
  }
  const bodyLength = pieces.reduce((n, b) => n + b.length, 0);
  const hmac = createHmac('sha256', key).update(DOMAIN);
  for (const b of pieces) hmac.update(b);
  const head = Buffer.alloc(HEAD);
  MAGIC.copy(head, 0);
  head.writeUInt32LE(bodyLength, MAGIC.length);
  hmac.digest().copy(head, MAGIC.length + 4);
  return [head, ...pieces];
}

export type ReadResult =
  | { kind: 'record'; record: JournalRecord; next: number }
  | { kind: 'end' }
  /** Bytes that are not a whole record this server wrote: a torn tail, damage or a planted record. */
  | { kind: 'bad'; why: string };

/** Reads the record at `offset` of `data`. */
export function readRecord(key: Buffer, data: Buffer, offset: number): ReadResult {
  if (offset === data.length) return { kind: 'end' };
  if (data.length - offset < HEAD) return { kind: 'bad', why: 'a torn record header' };
  if (!data.subarray(offset, offset + MAGIC.length).equals(MAGIC))
    return { kind: 'bad', why: 'no record marker' };
  const length = data.readUInt32LE(offset + MAGIC.length);
  if (length > MAX_BODY_BYTES || length < 10) return { kind: 'bad', why: `a record length of ${length}` };
  const end = offset + HEAD + length;
  if (end > data.length) return { kind: 'bad', why: 'a torn record (shorter than its length)' };
  const body = data.subarray(offset + HEAD, end);
  const want = mac(key, body);
  const got = data.subarray(offset + MAGIC.length + 4, offset + HEAD);
  if (!timingSafeEqual(want, got))
    return { kind: 'bad', why: 'HMAC does not match (forged, altered or signed with another key)' };
  // Authenticated from here on: the layout is ours, but lengths are still checked against the body.
  const seq = Number(body.readBigUInt64LE(0));
  const n = body.readUInt16LE(8);
  const parts: WriterPart[] = [];
  let at = 10;
  for (let i = 0; i < n; i++) {
    if (at + 1 > body.length) return { kind: 'bad', why: 'a part past the record end' };
    const nameLength = body.readUInt8(at);
    if (at + 10 + nameLength > body.length) return { kind: 'bad', why: 'a part past the record end' };
    const table = body.toString('utf8', at + 1, at + 1 + nameLength);
    const format: PayloadFormat = body.readUInt8(at + 1 + nameLength) === 1 ? 'RowBinary' : 'JSONEachRow';
    const rows = body.readUInt32LE(at + 2 + nameLength);
    const size = body.readUInt32LE(at + 6 + nameLength);
    at += 10 + nameLength;
    if (at + size > body.length) return { kind: 'bad', why: 'a payload past the record end' };
    if (!isIngestTable(table))
      return { kind: 'bad', why: `table ${JSON.stringify(table)} is not an ingest table` };
    parts.push({ table, format, rows, payload: body.subarray(at, at + size) });
    at += size;
  }
  return { kind: 'record', record: { seq, parts }, next: end };
}
