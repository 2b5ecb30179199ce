import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createReportService } from '../cli/report-service.js';
import { startServer, type WardServer } from '../collector/server.js';
import { SIGNING_KEY_FILE } from '../store/index.js';
import { insertReceived, makeEvent } from './helpers/events.js';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..');
let server: WardServer;
let dataDir: string;
let out: string;
const PERIOD = ['--from', '2026-11-01T00:00:00Z', '--to', '2026-11-08T00:00:00Z'];

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'ward-report-cli-'));
  out = mkdtempSync(join(tmpdir(), 'ward-report-out-'));
  server = await startServer({ port: 0, dataDir, store: { database: 'ward_report_cli' } }, () => {}, {
    reports: createReportService,
  });
  // Received when they claim to have happened (reports place events by receive time).
  await insertReceived(server.store, [
    makeEvent({ time: '2026-11-02T10:00:00Z', session_id: 's1', user_id: 'u', command: 'npm test' }),
    makeEvent({
      time: '2026-11-02T10:01:00Z',
      session_id: 's1',
      user_id: 'u',
      kind: 'sandbox_violation',
      decision: 'deny',
    }),
  ]);
});
afterAll(async () => {
  await server?.close();
});

const ward = (args: string[], env: Record<string, string> = {}) =>
  run(process.execPath, [join(ROOT, 'bin/ward.mjs'), ...args], {
    env: { PATH: process.env.PATH ?? '', HOME: tmpdir(), ...env },
  });

describe('ward report and ward audit', () => {
  it('exports a signed report from the server that ward report verify accepts, and refuses altered ones', async () => {
    const file = join(out, 'r.pdf');
    const res = await ward([
      'report',
      ...PERIOD,
      '--format',
      'pdf',
      '--out',
      file,
      '--server',
      server.url,
      '--data',
      dataDir,
    ]);
    expect(res.stdout).toContain(`wrote ${file}`);
    expect(readFileSync(file).subarray(0, 5).toString()).toBe('%PDF-');
    const env = JSON.parse(readFileSync(`${file}.sig.json`, 'utf8'));
    expect(env).toMatchObject({
      format: 'pdf',
      digest: expect.stringMatching(/^sha256:/),
      generated_at: expect.any(String),
    });
    expect((await ward(['report', 'verify', file, '--data', dataDir])).stdout).toMatch(
      /^OK: pdf report sha256:/,
    );

    // Not trusted without the server's key; trusted with the key `ward audit pubkey` prints.
    await expect(ward(['report', 'verify', file, '--data', '/nonexistent'])).rejects.toMatchObject({
      code: 1,
      stdout: expect.stringContaining('UNTRUSTED'),
    });
    const pem = (await ward(['audit', 'pubkey', '--server', server.url, '--data', dataDir])).stdout;
    expect(pem).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    expect(pem).not.toContain('PRIVATE');
    writeFileSync(join(out, 'ward.pem'), pem);
    expect(
      (await ward(['report', 'verify', file, '--data', '/nonexistent', '--pubkey', join(out, 'ward.pem')]))
        .stdout,
    ).toMatch(/^OK/);

    const bytes = readFileSync(file);
    bytes.writeUInt8(bytes.readUInt8(bytes.length - 10) ^ 1, bytes.length - 10);
    writeFileSync(join(out, 'bad.pdf'), bytes);
    writeFileSync(join(out, 'bad.pdf.sig.json'), JSON.stringify(env));
    await expect(ward(['report', 'verify', join(out, 'bad.pdf'), '--data', dataDir])).rejects.toMatchObject({
      code: 1,
      stdout: expect.stringContaining('INVALID'),
    });
    writeFileSync(`${file}.sig.json`, JSON.stringify({ ...env, generated_at: '2020-01-01T00:00:00.000Z' }));
    await expect(ward(['report', 'verify', file, '--data', dataDir])).rejects.toMatchObject({
      code: 1,
      stdout: expect.stringContaining('signature'),
    });

    // The key file is private to the owner; its content never reaches the output.
    expect(statSync(join(dataDir, SIGNING_KEY_FILE)).mode & 0o777).toBe(0o600);
  });

  it('exports a period that includes now (which each export changes) with the envelope of the very bytes sent', async () => {
    const to = new Date(Date.now() + 86_400_000).toISOString();
    for (const name of ['now1.json', 'now2.json']) {
      const file = join(out, name);
      await ward([
        'report',
        '--from',
        '2026-11-01',
        '--to',
        to,
        '--out',
        file,
        '--server',
        server.url,
        '--data',
        dataDir,
      ]);
      expect((await ward(['report', 'verify', file, '--data', dataDir])).stdout).toMatch(/^OK: json/);
    }
    // The second export saw the first one's audit record: the files differ, each verifies.
    expect(readFileSync(join(out, 'now1.json')).equals(readFileSync(join(out, 'now2.json')))).toBe(false);
  });

  it('ward audit verify against a server: intact, then names the record tampered in the store', async () => {
    const ok = await ward(['audit', 'verify', '--server', server.url, '--data', dataDir]);
    expect(ok.stdout).toMatch(/^audit trail intact: \d+ records/);
    const [rec] = await server.store.audit.list({ limit: 1 });
    if (!rec) throw new Error('no audit record');
    await server.store.db.insert('test.tamper', 'audit_chain', [{ ...rec, actor: 'mallory' }]);
    await expect(ward(['audit', 'verify', '--server', server.url, '--data', dataDir])).rejects.toMatchObject({
      code: 1,
      stdout: expect.stringContaining(`AUDIT TRAIL BROKEN: chain ${rec.writer} record ${rec.seq}`),
    });
  });

  it('works on a data dir directly (server stopped): report, then audit verify over the same store', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ward-report-local-'));
    const file = join(out, 'local.json');
    await ward(['report', ...PERIOD, '--format', 'json', '--out', file, '--data', dir]);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({
      schema: 'ward.compliance-report',
      summary: { events: 0 },
    });
    expect((await ward(['report', 'verify', file, '--data', dir])).stdout).toMatch(/^OK: json/);
    const v = await ward(['audit', 'verify', '--data', dir, '--json']);
    const report = JSON.parse(v.stdout);
    expect(report).toMatchObject({ ok: true, first_bad: null });
    expect(report.writers[0].signed_through).toBe(report.writers[0].last_seq);
  });

  it('prints the versioned JSON Schema of the report', async () => {
    const schema = JSON.parse((await ward(['report', 'schema'])).stdout);
    expect(schema).toMatchObject({
      $id: 'ward.compliance-report/1.3.0',
      type: 'object',
      additionalProperties: false,
    });
    expect(schema.required).toEqual(
      expect.arrayContaining(['summary', 'arrivals', 'approvals', 'controls', 'audit']),
    );
  });

  it('explains bad arguments', async () => {
    await expect(
      ward([
        'report',
        '--from',
        'x',
        '--to',
        'y',
        '--format',
        'pdf',
        '--out',
        join(out, 'x.pdf'),
        '--server',
        server.url,
        '--data',
        dataDir,
      ]),
    ).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('from and to') });
    await expect(
      ward([
        'report',
        ...PERIOD,
        '--format',
        'docx',
        '--out',
        join(out, 'x'),
        '--server',
        server.url,
        '--data',
        dataDir,
      ]),
    ).rejects.toMatchObject({ stderr: expect.stringContaining('--format') });
    await expect(ward(['audit', 'frobnicate'])).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('usage: ward audit'),
    });
  });
});
