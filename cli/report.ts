import { readFileSync, writeFileSync } from 'node:fs';
import { parseCommandArgs } from './args.js';
import type { WardEnv } from './env.js';
import { openLocalStore } from './local-store.js';
import { reportTrustAnchors } from './report-trust.js';
import { cliServer } from './server-client.js';

export const USAGE = `usage: ward report --from TIME --to TIME [--agent A] [--repo R] [--user U] --format json|csv|pdf --out FILE
                   [--server URL | --data DIR]
       ward report verify FILE [--envelope FILE.sig.json] [--pubkey PEM]... [--data DIR]
       ward report schema            (the report's JSON Schema, versioned)
The report goes to FILE and its signed envelope (digest, signature, generation time) to FILE.sig.json.
--agent/--repo/--user may repeat or take comma-separated values. verify trusts only the keys you name:
--pubkey keys, and the key of --data DIR (else of an absolute WARD_DATA_DIR) with DIR/audit-keys/*.pem;
never a key it merely finds in the current directory (name ./.ward-data with --data to trust it).
`;

/** `ward report`: export a signed compliance report, or verify one. */
export async function main(args: string[], env: WardEnv): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(args);
  } catch (err) {
    process.stderr.write(`ward report: ${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  try {
    if (positionals[0] === 'verify') return await verify(positionals[1], values, env);
    if (positionals[0] === 'schema') {
      const { reportJsonSchema } = await import('../analyzer/index.js');
      process.stdout.write(`${JSON.stringify(reportJsonSchema(), null, 2)}\n`);
      return 0;
    }
    if (positionals.length > 0 || !values.from || !values.to || !values.out) {
      process.stderr.write(USAGE);
      return 2;
    }
    return await exportReport(env, { ...values, from: values.from, to: values.to, out: values.out });
  } catch (err) {
    process.stderr.write(`ward report: ${(err as Error).message}\n`);
    return 1;
  }
}

type Values = ReturnType<typeof parse>['values'];

async function exportReport(
  env: WardEnv,
  v: Values & { from: string; to: string; out: string },
): Promise<number> {
  const { REPORT_FORMATS, renderComplianceReport, signReport } = await import('../analyzer/index.js');
  const format = v.format as (typeof REPORT_FORMATS)[number];
  if (!REPORT_FORMATS.includes(format)) throw new Error('--format must be json, csv or pdf');
  const list = (xs: string[] | undefined) => (xs ?? []).flatMap((x) => x.split(',')).filter(Boolean);
  const bar = await progressBar();
  let bytes: Uint8Array;
  let envelope: unknown;
  if (v.data !== undefined && v.server === undefined) {
    const { parsePeriod } = await import('../collector/index.js');
    const period = parsePeriod(v.from, v.to);
    const store = await openLocalStore(env, v.data);
    try {
      const scope = { ...period, agents: list(v.agent), repos: list(v.repo), users: list(v.user) };
      bytes = await renderComplianceReport(store, scope, format, (done, total, step) =>
        bar?.update(done, total, step),
      );
      const signed = signReport(bytes, format, store.signer, new Date());
      envelope = signed;
      await store.audit.append({
        actor: 'cli',
        action: 'report.exported',
        target: `compliance.${format}`,
        details: { ...scope, format, digest: signed.digest, size: bytes.length },
      });
    } finally {
      await store.close();
    }
  } else {
    const server = cliServer(env, { server: v.server, data: v.data ?? '.ward-data', prefer: env.token });
    const q = new URLSearchParams({ from: v.from, to: v.to, format });
    for (const [k, xs] of [
      ['agent', v.agent],
      ['repo', v.repo],
      ['user', v.user],
    ] as const)
      for (const x of list(xs)) q.append(k, x);
    bar?.update(0, 1, 'report');
    const file = await server.bytes(`/api/reports/compliance?${q}`);
    if (file.status >= 400) throw new Error(`${file.status} ${file.text()}`);
    const header = file.headers.get('x-ward-report-envelope');
    if (!header) throw new Error('the server sent no signed envelope with the report');
    bytes = file.bytes;
    envelope = JSON.parse(Buffer.from(header, 'base64url').toString('utf8'));
    bar?.update(1, 1, 'done');
  }
  bar?.stop();
  const { verifyReport } = await import('../analyzer/index.js');
  const check = verifyReport(bytes, envelope, []);
  if (!check.ok) throw new Error(`the server's envelope does not match the file it sent: ${check.reason}`);
  writeFileSync(v.out, bytes);
  writeFileSync(`${v.out}.sig.json`, `${JSON.stringify(envelope, null, 2)}\n`);
  process.stdout.write(
    `wrote ${v.out} (${bytes.length} bytes, ${check.envelope.digest}) and ${v.out}.sig.json\n`,
  );
  return 0;
}

async function verify(file: string | undefined, v: Values, env: WardEnv): Promise<number> {
  if (!file) {
    process.stderr.write(USAGE);
    return 2;
  }
  const anchors = await reportTrustAnchors({ pubkey: v.pubkey, data: v.data, envDataDir: env.dataDir });
  if ('problem' in anchors) {
    process.stderr.write(`ward report verify: ${anchors.problem}\n`);
    return 2;
  }
  const { verifyReport } = await import('../analyzer/index.js');
  const { keyIdOf } = await import('../store/index.js');
  const bytes = new Uint8Array(readFileSync(file));
  const envelopePath = v.envelope ?? `${file}.sig.json`;
  let envelope: unknown;
  try {
    envelope = JSON.parse(readFileSync(envelopePath, 'utf8'));
  } catch (err) {
    throw new Error(`cannot read the envelope ${envelopePath}: ${(err as Error).message}`);
  }
  const check = verifyReport(bytes, envelope, anchors.keys);
  if (!check.ok) {
    process.stdout.write(`INVALID: ${check.reason}\n`);
    return 1;
  }
  const e = check.envelope;
  if (!check.trusted) {
    process.stdout.write(
      `UNTRUSTED: the signature is valid but key ${keyIdOf(e.public_key)} is not one you trust (pass --pubkey, see ward audit pubkey)\n`,
    );
    return 1;
  }
  process.stdout.write(
    `OK: ${e.format} report ${e.digest}, signed by key ${e.key_id}, generated ${e.generated_at}\n`,
  );
  return 0;
}

/** A progress bar on a terminal (stderr), nothing otherwise. */
async function progressBar(): Promise<
  { update(done: number, total: number, step: string): void; stop(): void } | undefined
> {
  if (!process.stderr.isTTY) return undefined;
  const { default: cliProgress } = await import('cli-progress');
  const bar = new cliProgress.SingleBar(
    { format: 'report [{bar}] {value}/{total} {step}', stream: process.stderr, clearOnComplete: true },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(done, total, step) {
      if (!started) {
        bar.start(total, done, { step });
        started = true;
      }
      bar.setTotal(total);
      bar.update(done, { step });
    },
    stop: () => started && bar.stop(),
  };
}

function parse(args: string[]) {
  return parseCommandArgs(args, {
    from: { type: 'string' },
    to: { type: 'string' },
    agent: { type: 'string', multiple: true },
    repo: { type: 'string', multiple: true },
    user: { type: 'string', multiple: true },
    format: { type: 'string', default: 'json' },
    out: { type: 'string' },
    server: { type: 'string' },
    data: { type: 'string' },
    envelope: { type: 'string' },
    pubkey: { type: 'string', multiple: true },
  });
}
