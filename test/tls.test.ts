import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { generate } from 'selfsigned';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StartupError, startServer, type WardServer } from '../collector/server.js';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..');
let server: WardServer;
let dir: string;
let caFile: string;
let cert: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ward-tls-'));
  const pems = await generate([{ name: 'commonName', value: 'ward.test' }], {
    keySize: 2048,
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
        ],
      },
    ],
  });
  cert = pems.cert;
  caFile = join(dir, 'cert.pem');
  writeFileSync(caFile, pems.cert);
  writeFileSync(join(dir, 'key.pem'), pems.private, { mode: 0o600 });
  server = await startServer({
    port: 0,
    dataDir: join(dir, 'data'),
    tls: { certFile: caFile, keyFile: join(dir, 'key.pem') },
    store: { database: 'ward_tls_test' },
  });
});
afterAll(async () => {
  await server?.close();
});

/** One HTTPS request trusting the test CA. */
function https(path: string, token?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${server.url}${path}`,
      { ca: cert, headers: token ? { authorization: `Bearer ${token}` } : {} },
      (res) => {
        let body = '';
        res.on('data', (c: Buffer) => {
          body += c.toString();
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

const ward = (env: Record<string, string>, ...args: string[]) =>
  run(process.execPath, [join(ROOT, 'bin/ward.mjs'), ...args, '--server', server.url], {
    env: { PATH: process.env.PATH, HOME: tmpdir(), WARD_ADMIN_TOKEN: server.adminToken, ...env },
  }).then(
    (r) => ({ code: 0, ...r }),
    (e: { code: number; stdout: string; stderr: string }) => e,
  );

describe('ward serve --tls-cert/--tls-key', () => {
  it('serves the API over https only', async () => {
    expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect((await https('/healthz')).status).toBe(200);
    const sessions = await https('/api/sessions', server.adminToken);
    expect(sessions.status).toBe(200);
    // Plain HTTP to the TLS port gets no API answer.
    const plain = await fetch(server.url.replace('https:', 'http:')).then(
      (r) => r.status,
      () => 'refused',
    );
    expect(plain).not.toBe(200);
  });

  it('takes OTLP from the official exporter over https', async () => {
    const exporter = new OTLPLogExporter({ url: `${server.url}/v1/logs`, httpAgentOptions: { ca: cert } });
    const provider = new LoggerProvider({
      resource: resourceFromAttributes({ 'service.name': 'claude-code' }),
      processors: [new SimpleLogRecordProcessor({ exporter })],
    });
    provider.getLogger('tls-test').emit({
      body: 'claude_code.tool_result',
      attributes: {
        'event.name': 'tool_result',
        'session.id': 'tls-session',
        tool_name: 'Bash',
        tool_parameters: JSON.stringify({ full_command: 'ls -la' }),
      },
    });
    await provider.forceFlush();
    await provider.shutdown();
    const events = JSON.parse((await https('/api/events?session=tls-session', server.adminToken)).body) as {
      events: { command: string }[];
    };
    expect(events.events.map((e) => e.command)).toEqual(['ls -la']);
  });

  it('the CLI trusts the server with --ca FILE or NODE_EXTRA_CA_CERTS, and refuses it otherwise', async () => {
    const untrusted = await ward({}, 'token', 'list');
    expect(untrusted.code).not.toBe(0);
    expect(untrusted.stderr).toMatch(/cannot reach .*(CERT|certificate|SELF_SIGNED)/i);
    const withCa = await ward({}, 'token', 'list', '--ca', caFile);
    expect(withCa.code).toBe(0);
    expect(JSON.parse(withCa.stdout)).toHaveProperty('tokens');
    const withEnv = await ward({ NODE_EXTRA_CA_CERTS: caFile }, 'token', 'list');
    expect(withEnv.code).toBe(0);
    const withWardCa = await ward({ WARD_CA: caFile }, 'approvals', 'list');
    expect(withWardCa.code).toBe(0);
  });
});

describe('a runner and a plain-http server beyond loopback', () => {
  it('ward exec refuses to send its token and take a decision over plain HTTP (nothing is run)', async () => {
    const home = mkdtempSync(join(tmpdir(), 'ward-tls-home-'));
    const r = await run(
      process.execPath,
      [
        join(ROOT, 'bin/ward.mjs'),
        'exec',
        '--server',
        'http://192.0.2.1:4318',
        '--',
        'git',
        'push',
        '--force',
        'origin',
        'main',
      ],
      { cwd: home, env: { PATH: process.env.PATH, HOME: home, WARD_TOKEN: 'runner-token-never-sent-0123' } },
    ).then(
      () => ({ code: 0, stderr: '' }),
      (e: { code: number; stderr: string }) => e,
    );
    // Refused before anything: no approval request, no span (both would carry the token in clear).
    expect(r.code).toBe(2);
    expect(r.stderr).not.toMatch(/could not send the span/);
    expect(r.stderr).toMatch(
      /refusing to use http:\/\/192\.0\.2\.1:4318 over plain HTTP[\s\S]*nothing was run/,
    );
  });
});

describe('binding beyond loopback', () => {
  it('refuses plain HTTP on a non-loopback address unless told --insecure-no-tls', async () => {
    const attempt = startServer({
      host: '0.0.0.0',
      port: 0,
      dataDir: join(dir, 'data-plain'),
      adminToken: 'an-admin-token-0123456789',
    });
    await expect(attempt).rejects.toThrow(StartupError);
    await expect(
      startServer({
        host: '0.0.0.0',
        port: 0,
        dataDir: join(dir, 'data-plain'),
        adminToken: 'an-admin-token-0123456789',
      }),
    ).rejects.toThrow(/--tls-cert FILE --tls-key FILE.*--insecure-no-tls/);
  });

  it('says which TLS file it cannot read instead of crashing', async () => {
    await expect(
      startServer({
        port: 0,
        dataDir: join(dir, 'data-missing'),
        tls: { certFile: join(dir, 'nope.pem'), keyFile: join(dir, 'key.pem') },
      }),
    ).rejects.toThrow(/cannot read the TLS certificate .*nope\.pem/);
  });
});
