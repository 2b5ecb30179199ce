import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bwrapWorks } from '../sandbox-runner/sandbox/test-support.js';
import { WARD, WARD_SPAN_EVENTS, WARD_SPANS } from '../schema/attributes.js';

const ROOT = join(import.meta.dirname, '..');

interface OtlpJsonAttr {
  key: string;
  value: Record<string, unknown>;
}
interface OtlpJsonSpan {
  name: string;
  attributes: OtlpJsonAttr[];
  events: { name: string; attributes: OtlpJsonAttr[] }[];
}
interface OtlpJsonBody {
  resourceSpans: { resource: { attributes: OtlpJsonAttr[] }; scopeSpans: { spans: OtlpJsonSpan[] }[] }[];
}

function attr(list: OtlpJsonAttr[], key: string): unknown {
  const v = list.find((a) => a.key === key)?.value;
  if (!v) return undefined;
  if ('arrayValue' in v)
    return ((v.arrayValue as { values?: { stringValue: string }[] }).values ?? []).map((x) => x.stringValue);
  const inner = Object.values(v)[0];
  return typeof inner === 'string' && 'intValue' in v ? Number(inner) : inner;
}

/** An OTLP/HTTP receiver on 127.0.0.1 that keeps every JSON trace request. */
async function captureServer(): Promise<{
  url: string;
  bodies: OtlpJsonBody[];
  auth: string[];
  close(): void;
}> {
  const bodies: OtlpJsonBody[] = [];
  const auth: string[] = [];
  const server: Server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.url === '/v1/traces') {
        bodies.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as OtlpJsonBody);
        auth.push(req.headers.authorization ?? '');
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, bodies, auth, close: () => server.close() };
}

function ward(args: string[], opts: { cwd: string; home: string; token?: string }) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin/ward.mjs'), ...args], {
      cwd: opts.cwd,
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: opts.home,
        ...(opts.token ? { WARD_TOKEN: opts.token } : {}),
      },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b));
    child.stderr.on('data', (b: Buffer) => (stderr += b));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe.runIf(bwrapWorks())('ward exec (built CLI) reports each command as an OTLP span', () => {
  let ws: string;
  let home: string;
  beforeAll(() => {
    execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, stdio: 'inherit' });
    ws = mkdtempSync('/tmp/ward-telemetry-ws-');
    home = mkdtempSync('/var/tmp/ward-telemetry-home-');
  }, 120_000);
  afterAll(() => {
    rmSync(ws, { recursive: true, force: true });
    rmSync(home, { recursive: true, force: true });
  });

  it('exports ward.exec with GenAI and ward.* attributes, violations as events', async () => {
    const server = await captureServer();
    try {
      const r = await ward(
        [
          'exec',
          '--server',
          server.url,
          '--agent',
          'test-agent',
          '--session',
          'sess-1',
          '--',
          'sh',
          '-c',
          'echo hi > out.txt; touch "$HOME/ward-x"; exit 3',
        ],
        { cwd: ws, home, token: 'runner-token-1' },
      );
      expect(r.code).toBe(3);
      expect(server.bodies).toHaveLength(1);
      const body = server.bodies[0]!;
      expect(attr(body.resourceSpans[0]!.resource.attributes, 'service.name')).toBe('ward');
      const span = body.resourceSpans[0]!.scopeSpans[0]!.spans[0]!;
      expect(span.name).toBe(WARD_SPANS.command);
      const a = (k: string) => attr(span.attributes, k);
      expect(a('gen_ai.operation.name')).toBe('execute_tool');
      expect(a('gen_ai.tool.name')).toBe('shell');
      expect(a(WARD.agent)).toBe('test-agent');
      expect(a(WARD.sessionId)).toBe('sess-1');
      expect(a(WARD.exitCode)).toBe(3);
      expect(a(WARD.sandboxed)).toBe(true);
      expect(a(WARD.cwd)).toBe(ws);
      expect(a(WARD.argv)).toEqual(['sh', '-c', 'echo hi > out.txt; touch "$HOME/ward-x"; exit 3']);
      const changes = JSON.parse(a(WARD.fileChanges) as string) as { path: string; change: string }[];
      expect(changes).toContainEqual(
        expect.objectContaining({ path: join(ws, 'out.txt'), change: 'created' }),
      );
      const violation = span.events.find((e) => e.name === WARD_SPAN_EVENTS.violation);
      expect(violation && attr(violation.attributes, WARD.violationKind)).toBe('read_only_write');
      expect(server.auth[0]).toBe('Bearer runner-token-1');
    } finally {
      server.close();
    }
  });

  it('records --unsandboxed as sandboxed=false', async () => {
    const server = await captureServer();
    try {
      const r = await ward(['exec', '--unsandboxed', '--server', server.url, '--', 'true'], {
        cwd: ws,
        home,
      });
      expect(r.code).toBe(0);
      expect(r.stderr).toContain('UNSANDBOXED');
      const span = server.bodies[0]!.resourceSpans[0]!.scopeSpans[0]!.spans[0]!;
      expect(attr(span.attributes, WARD.sandboxed)).toBe(false);
    } finally {
      server.close();
    }
  });

  it('spools the span when the server is down and sends it with the next command', async () => {
    const down = await captureServer();
    down.close();
    const spoolDir = join(home, '.ward', 'spool');
    mkdirSync(spoolDir, { recursive: true });
    const first = await ward(['exec', '--server', down.url, '--', 'sh', '-c', 'exit 4'], { cwd: ws, home });
    expect(first.code).toBe(4);
    expect(first.stderr).toMatch(/could not send the span/);
    expect(readdirSync(spoolDir).filter((f) => f.endsWith('.otlp.json'))).toHaveLength(1);

    const up = await captureServer();
    try {
      const second = await ward(['exec', '--server', up.url, '--', 'true'], { cwd: ws, home });
      expect(second.code).toBe(0);
      const codes = up.bodies.map((b) =>
        attr(b.resourceSpans[0]!.scopeSpans[0]!.spans[0]!.attributes, WARD.exitCode),
      );
      expect(codes.sort()).toEqual([0, 4]);
      expect(readdirSync(spoolDir).filter((f) => f.endsWith('.otlp.json'))).toHaveLength(0);
    } finally {
      up.close();
    }
  });

  it('refuses to run (fail closed) when the sandbox cannot be set up', async () => {
    const r = await ward(['exec', '--workspace', '/', '--', 'touch', join(ws, 'should-not-exist')], {
      cwd: ws,
      home,
    });
    expect(r.code).toBe(125);
    expect(r.stderr).toMatch(/refusing|nothing was run/);
  });
});
