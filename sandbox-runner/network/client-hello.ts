/**
 * Reads the server name out of a TLS ClientHello (RFC 8446 §4.1.2, RFC 6066 §3) as it arrives on a tunnel,
 * strictly: anything a server might read differently from this parser (duplicate extensions, several names,
 * bytes after the ClientHello in its records, other record types in between) is `invalid`.
 */

/** Largest ClientHello body accepted (real ones are under 4 KiB, post-quantum key shares included). */
export const MAX_HELLO_BYTES = 32 * 1024;
/** Most records a ClientHello may be split into (real clients use one; more than one only past 16 KiB). */
export const MAX_HELLO_RECORDS = 64;

const RECORD_HANDSHAKE = 0x16;
const RECORD_CCS = 0x14;
/** The one change_cipher_spec record a TLS 1.3 client may send for middlebox compatibility. */
const CCS = Buffer.from([RECORD_CCS, 0x03, 0x03, 0x00, 0x01, 0x01]);
const HANDSHAKE_CLIENT_HELLO = 0x01;
const MAX_RECORD = 16 * 1024;
const EXT_SERVER_NAME = 0x0000;
/** encrypted_client_hello (RFC 9849) and the older draft's encrypted_server_name. */
const EXT_ECH = new Set([0xfe0d, 0xffce]);

export type HelloScan =
  /** Not enough bytes yet: look again once `need` bytes are buffered. */
  | { kind: 'more'; need: number }
  /** The stream does not start with a TLS handshake record. */
  | { kind: 'not-tls' }
  | { kind: 'invalid'; reason: string }
  /** `serverName` is the raw SNI host name (null when none); `end` where the ClientHello's records end. */
  | { kind: 'hello'; serverName: string | null; ech: boolean; end: number };

class Malformed extends Error {}

/** Reads length-prefixed fields; every overrun is a Malformed error. */
class Cursor {
  private at = 0;
  constructor(private readonly b: Buffer) {}
  get done(): boolean {
    return this.at === this.b.length;
  }
  get left(): number {
    return this.b.length - this.at;
  }
  int(bytes: 1 | 2 | 3): number {
    if (this.at + bytes > this.b.length) throw new Malformed('ClientHello truncated');
    const v = this.b.readUIntBE(this.at, bytes);
    this.at += bytes;
    return v;
  }
  bytes(n: number): Buffer {
    if (this.at + n > this.b.length) throw new Malformed('ClientHello truncated');
    const out = this.b.subarray(this.at, this.at + n);
    this.at += n;
    return out;
  }
  vector(lengthBytes: 1 | 2): Cursor {
    return new Cursor(this.bytes(this.int(lengthBytes)));
  }
}

function readServerName(data: Cursor): string {
  const list = data.vector(2);
  if (!data.done) throw new Malformed('server_name extension has trailing bytes');
  const type = list.int(1);
  const name = list.vector(2);
  if (type !== 0) throw new Malformed(`server_name of unknown type ${type}`);
  if (!list.done) throw new Malformed('server_name lists more than one name');
  if (name.left === 0) throw new Malformed('empty server_name');
  return name.bytes(name.left).toString('latin1');
}

/** Parses a complete ClientHello body (after the 4-byte handshake header). */
function parseHelloBody(body: Buffer): { serverName: string | null; ech: boolean } {
  const c = new Cursor(body);
  c.int(2); // legacy_version
  c.bytes(32); // random
  if (c.vector(1).left > 32) throw new Malformed('session id longer than 32 bytes');
  c.vector(2); // cipher_suites
  c.vector(1); // compression_methods
  let serverName: string | null = null;
  let ech = false;
  if (c.done) return { serverName, ech }; // TLS 1.2 and older may omit extensions
  const exts = c.vector(2);
  if (!c.done) throw new Malformed('bytes after the extensions');
  const seen = new Set<number>();
  while (!exts.done) {
    const type = exts.int(2);
    const data = exts.vector(2);
    if (seen.has(type)) throw new Malformed(`extension ${type} appears twice`);
    seen.add(type);
    if (type === EXT_SERVER_NAME) serverName = readServerName(data);
    if (EXT_ECH.has(type)) ech = true;
  }
  return { serverName, ech };
}

/**
 * Scans the start of a tunnel's client stream for a ClientHello. Pure; call again with more bytes.
 * `afterRetry`: the second ClientHello after a HelloRetryRequest, which may follow one change_cipher_spec
 * record (RFC 8446 §D.4).
 */
export function scanClientHello(buf: Buffer, afterRetry = false): HelloScan {
  if (!afterRetry || buf[0] !== RECORD_CCS) return scanRecords(buf);
  if (buf.length < CCS.length) return { kind: 'more', need: CCS.length };
  if (buf[1] !== 0x03 || !buf.subarray(3, 6).equals(CCS.subarray(3))) return { kind: 'not-tls' };
  const scan = scanRecords(buf.subarray(CCS.length));
  if (scan.kind === 'more') return { kind: 'more', need: scan.need + CCS.length };
  return scan.kind === 'hello' ? { ...scan, end: scan.end + CCS.length } : scan;
}

function scanRecords(buf: Buffer): HelloScan {
  if (buf.length < 1) return { kind: 'more', need: 1 };
  if (buf[0] !== RECORD_HANDSHAKE) return { kind: 'not-tls' };
  if (buf.length < 3) return { kind: 'more', need: 3 };
  if (buf[1] !== 0x03 || buf[2]! > 0x04) return { kind: 'not-tls' };
  const fragments: Buffer[] = [];
  let have = 0;
  let expected: number | undefined;
  let at = 0;
  for (let records = 0; ; records++) {
    if (expected !== undefined && have >= expected) break;
    if (records === MAX_HELLO_RECORDS) {
      return { kind: 'invalid', reason: `ClientHello split into more than ${MAX_HELLO_RECORDS} records` };
    }
    if (buf.length < at + 5) return { kind: 'more', need: at + 5 };
    const type = buf[at]!;
    const length = buf.readUInt16BE(at + 3);
    if (type !== RECORD_HANDSHAKE) {
      return { kind: 'invalid', reason: `record of type ${type} before the ClientHello was complete` };
    }
    if (buf[at + 1] !== 0x03) return { kind: 'invalid', reason: 'record with a non-TLS version' };
    if (length === 0 || length > MAX_RECORD) {
      return { kind: 'invalid', reason: `handshake record of ${length} bytes` };
    }
    if (buf.length < at + 5 + length) return { kind: 'more', need: at + 5 + length };
    fragments.push(buf.subarray(at + 5, at + 5 + length));
    have += length;
    at += 5 + length;
    if (expected === undefined && have >= 4) {
      const head = Buffer.concat(fragments).subarray(0, 4);
      if (head[0] !== HANDSHAKE_CLIENT_HELLO) {
        return { kind: 'invalid', reason: `first handshake message is of type ${head[0]}, not ClientHello` };
      }
      const bodyLength = head.readUIntBE(1, 3);
      if (bodyLength > MAX_HELLO_BYTES) {
        return { kind: 'invalid', reason: `ClientHello of ${bodyLength} bytes (limit ${MAX_HELLO_BYTES})` };
      }
      expected = 4 + bodyLength;
    }
  }
  if (have !== expected) return { kind: 'invalid', reason: 'handshake data after the ClientHello' };
  try {
    return { kind: 'hello', ...parseHelloBody(Buffer.concat(fragments).subarray(4)), end: at };
  } catch (err) {
    if (err instanceof Malformed) return { kind: 'invalid', reason: err.message };
    throw err;
  }
}
