import { describe, expect, it } from 'vitest';
import { MAX_HELLO_RECORDS, scanClientHello } from './client-hello.js';
import { scanServerAnswer } from './hello-retry.js';
import {
  captureHello,
  extension,
  helloMessage,
  records,
  reframe,
  serverNameExtension,
} from './tls-test-support.js';
import { judgeServerName, type TunnelRule } from './tunnel-admission.js';

const hello = (exts: Buffer[]) => scanClientHello(records(helloMessage(exts)));

describe('scanClientHello', () => {
  it('reads the server name of a real Node ClientHello, and none when it sends none', async () => {
    expect(scanClientHello(await captureHello('Allowed.Test'))).toMatchObject({
      kind: 'hello',
      serverName: expect.stringMatching(/^allowed\.test$/i),
      ech: false,
    });
    const none = await captureHello('');
    expect(scanClientHello(none)).toEqual({ kind: 'hello', serverName: null, ech: false, end: none.length });
  });

  it('asks for more bytes on every prefix of a real ClientHello, then reads it', async () => {
    const full = await captureHello('allowed.test');
    for (let n = 0; n < full.length; n++) {
      const scan = scanClientHello(full.subarray(0, n));
      expect(scan.kind).toBe('more');
      if (scan.kind === 'more') expect(scan.need).toBeGreaterThan(n);
    }
    expect(scanClientHello(full)).toMatchObject({ kind: 'hello', serverName: 'allowed.test' });
  });

  it('reassembles a ClientHello spread over many records, within a bound', async () => {
    const full = await captureHello('allowed.test');
    expect(scanClientHello(reframe(full, 40))).toMatchObject({ kind: 'hello', serverName: 'allowed.test' });
    expect(scanClientHello(reframe(full, 1))).toMatchObject({
      kind: 'invalid',
      reason: expect.stringContaining(`more than ${MAX_HELLO_RECORDS} records`),
    });
  });

  it('tells non-TLS openings apart', () => {
    for (const s of ['GET / HTTP/1.1\r\n', 'SSH-2.0-OpenSSH_9.6\r\n', 'CONNECT evil:443 HTTP/1.1']) {
      expect(scanClientHello(Buffer.from(s))).toEqual({ kind: 'not-tls' });
    }
    expect(scanClientHello(Buffer.from([0x80, 0x2e, 0x01, 0x03, 0x01]))).toEqual({ kind: 'not-tls' }); // SSLv2
    expect(scanClientHello(Buffer.from([0x16, 0x04, 0x01]))).toEqual({ kind: 'not-tls' });
  });

  it.each([
    ['an application-data record first', Buffer.from([0x17, 0x03, 0x03, 0x00, 0x05, 1, 2, 3, 4, 5])],
    ['a record over 16 KiB', Buffer.from([0x16, 0x03, 0x01, 0xff, 0xff])],
    ['an empty record', Buffer.from([0x16, 0x03, 0x01, 0x00, 0x00])],
    ['a 16 MB ClientHello', Buffer.from([0x16, 0x03, 0x01, 0x00, 0x04, 0x01, 0xff, 0xff, 0xff])],
    ['a ServerHello', records(Buffer.from([0x02, 0, 0, 0]))],
  ])('refuses %s', (_, bytes) => {
    expect(scanClientHello(bytes).kind).toBe(bytes[0] === 0x17 ? 'not-tls' : 'invalid');
  });

  it('refuses a change of record type before the ClientHello is complete', () => {
    const framed = records(helloMessage([serverNameExtension('allowed.test')]), 20);
    const tampered = Buffer.from(framed);
    tampered[25] = 0x17; // the second record's type
    expect(scanClientHello(tampered)).toMatchObject({ kind: 'invalid', reason: /record of type 23/ });
  });

  it('refuses parser-confusion tricks a server might read differently', () => {
    const sni = serverNameExtension('allowed.test');
    expect(hello([sni, serverNameExtension('evil.example')])).toMatchObject({
      kind: 'invalid',
      reason: /appears twice/,
    });
    expect(hello([serverNameExtension('allowed.test', 'evil.example')])).toMatchObject({
      kind: 'invalid',
      reason: /more than one name/,
    });
    expect(hello([extension(0, Buffer.from([0, 4, 1, 0, 1, 0x41]))])).toMatchObject({ kind: 'invalid' });
    const trailing = Buffer.concat([helloMessage([sni]), Buffer.from([0x0b, 0, 0, 0])]);
    expect(scanClientHello(records(trailing))).toMatchObject({
      kind: 'invalid',
      reason: /after the ClientHello/,
    });
    const msg = helloMessage([sni]);
    const short = Buffer.from(msg);
    short.writeUIntBE(msg.length - 4 + 3, 1, 3); // claims 3 more bytes than the extensions hold
    expect(scanClientHello(records(Buffer.concat([short, Buffer.alloc(3)]))).kind).toBe('invalid');
  });

  it('flags encrypted_client_hello and the old encrypted_server_name', () => {
    const sni = serverNameExtension('allowed.test');
    expect(hello([sni, extension(0xfe0d, Buffer.alloc(8))])).toMatchObject({ kind: 'hello', ech: true });
    expect(hello([sni, extension(0xffce, Buffer.alloc(8))])).toMatchObject({ kind: 'hello', ech: true });
  });
});

describe('judgeServerName', () => {
  const name: TunnelRule = { host: 'allowed.test', port: 443, tlsOnly: true, ipNamedByEntry: false };
  const ip: TunnelRule = { host: '192.0.2.7', port: 443, tlsOnly: true, ipNamedByEntry: false };
  const judge = (serverName: string | null, rule: TunnelRule, ech = false) =>
    judgeServerName({ serverName, ech }, rule);

  it('accepts the CONNECT host in any case, with or without a trailing dot', () => {
    expect(judge('allowed.test', name)).toBeNull();
    expect(judge('ALLOWED.Test.', name)).toBeNull();
  });

  it('refuses another name, no name, a non-name, or ECH on a tunnel to a name', () => {
    expect(judge('evil.example', name)).toMatch(/does not match the CONNECT host "allowed.test"/);
    expect(judge('sub.allowed.test', name)).toMatch(/does not match/);
    expect(judge(null, name)).toMatch(/without a server name/);
    expect(judge('allowed.test\u0000.evil', name)).toMatch(/is not a host name/);
    expect(judge('allowed.test', name, true)).toMatch(/encrypted_client_hello/);
  });

  it('lets an IP tunnel carry no name or its own IP, and other names only where an entry names the IP', () => {
    expect(judge(null, ip)).toBeNull();
    expect(judge('192.0.2.7', ip)).toBeNull();
    expect(judge('evil.example', ip)).toMatch(/on a tunnel to IP 192.0.2.7, which no allow entry names/);
    expect(judge('evil.example', { ...ip, ipNamedByEntry: true })).toBeNull();
    expect(judge(null, { ...ip, ipNamedByEntry: true }, true)).toMatch(/encrypted_client_hello/);
  });
});

describe('the second ClientHello and the server answer', () => {
  const HRR_RANDOM = 'cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c';
  const serverHello = (random: Buffer) =>
    Buffer.concat([Buffer.from([2, 0, 0, 40, 3, 3]), random, Buffer.from([0, 0x13, 0x01])]);

  it('tells a HelloRetryRequest from a ServerHello, an alert or a lone header, however split', () => {
    const hrr = serverHello(Buffer.from(HRR_RANDOM, 'hex'));
    expect(scanServerAnswer(records(hrr))).toBe('retry');
    expect(scanServerAnswer(records(hrr, 1))).toBe('retry');
    expect(scanServerAnswer(records(hrr).subarray(0, 20))).toBe('more');
    expect(scanServerAnswer(records(serverHello(Buffer.alloc(32, 1))))).toBe('other');
    expect(scanServerAnswer(Buffer.from([0x15, 3, 3, 0, 2, 2, 40]))).toBe('other');
    const big = Buffer.concat([hrr, Buffer.alloc(20_000)]); // only its first 38 bytes matter
    expect(scanServerAnswer(records(big).subarray(0, 60))).toBe('retry');
  });

  it('reads a second ClientHello behind one change_cipher_spec record, and only there', async () => {
    const hello = await captureHello('allowed.test');
    const ccs = Buffer.from([0x14, 0x03, 0x03, 0x00, 0x01, 0x01]);
    const both = Buffer.concat([ccs, hello]);
    expect(scanClientHello(both, true)).toMatchObject({ kind: 'hello', end: both.length });
    expect(scanClientHello(both)).toEqual({ kind: 'not-tls' });
    expect(scanClientHello(Buffer.concat([ccs, ccs, hello]), true)).toEqual({ kind: 'not-tls' });
    expect(scanClientHello(both.subarray(0, 3), true)).toEqual({ kind: 'more', need: 6 });
  });
});
