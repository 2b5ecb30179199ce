import type { AuditVerifyReport } from '../schema/index.js';
import { parseCommandArgs } from './args.js';
import type { WardEnv } from './env.js';
import { openLocalStore } from './local-store.js';
import { cliServer } from './server-client.js';

export const USAGE = `usage: ward audit verify [--server URL | --data DIR] [--from TIME] [--to TIME] [--json]
       ward audit pubkey [--server URL | --data DIR]
verify walks the hash chains and signed checkpoints and names the first bad record (exit 1). With
--from/--to it walks, whole, every chain the period relies on: records in it, policy loads before it, and
chains with a checkpoint signed before its end (a forged one of these fails the period).
With --data it opens the store directly (server stopped) and trusts DIR's key and DIR/audit-keys/*.pem;
otherwise it asks the server (WARD_TOKEN of a compliance or admin token, else the admin token).
`;

/** `ward audit`: verify the audit trail, print the public key that signs it. */
export async function main(args: string[], env: WardEnv): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(args);
  } catch (err) {
    process.stderr.write(`ward audit: ${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [action] = positionals;
  const local = values.data !== undefined && values.server === undefined;
  const data = values.data ?? '.ward-data';
  try {
    if (action === 'pubkey') {
      if (local) {
        const { readPublicKey, publicKeyToPem } = await import('../store/index.js');
        const key = readPublicKey(data);
        if (!key) throw new Error(`no signing key in ${data} (ward serve creates it at first start)`);
        process.stdout.write(publicKeyToPem(key));
        return 0;
      }
      const res = await cliServer(env, { server: values.server, data, prefer: env.token }).call(
        'GET',
        '/api/audit/pubkey',
      );
      if (res.status >= 400) throw new Error(`${res.status} ${res.text}`);
      process.stdout.write((JSON.parse(res.text) as { pem: string }).pem);
      return 0;
    }
    if (action !== 'verify') {
      process.stderr.write(USAGE);
      return 2;
    }
    let report: AuditVerifyReport;
    if (local) {
      const store = await openLocalStore(env, data);
      try {
        report = await store.audit.verify(period(values));
      } finally {
        await store.close();
      }
    } else {
      const q = new URLSearchParams(period(values)).toString();
      const res = await cliServer(env, { server: values.server, data, prefer: env.token }).call(
        'GET',
        `/api/audit/verify${q ? `?${q}` : ''}`,
      );
      if (res.status >= 400) throw new Error(`${res.status} ${res.text}`);
      report = JSON.parse(res.text) as AuditVerifyReport;
    }
    process.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : describe(report));
    return report.ok ? 0 : 1;
  } catch (err) {
    process.stderr.write(`ward audit: ${(err as Error).message}\n`);
    return 1;
  }
}

function period(values: { from?: string; to?: string }): Record<string, string> {
  const out: Record<string, string> = {};
  if (values.from) out.from = values.from;
  if (values.to) out.to = values.to;
  return out;
}

/** A human summary: the verdict first, then one line per chain. */
export function describe(r: AuditVerifyReport): string {
  const lines = [
    r.ok
      ? `audit trail intact: ${r.checked} records in ${r.writers.length} chain(s)`
      : `AUDIT TRAIL BROKEN: chain ${r.first_bad?.writer} record ${r.first_bad?.seq}: ${r.first_bad?.reason}`,
  ];
  for (const w of r.writers) {
    const signed =
      w.signed_through >= w.last_seq ? 'all signed' : `signed through ${Math.max(w.signed_through, 0)}`;
    lines.push(`  ${w.writer}: records ${w.first_seq}..${w.last_seq} (${signed})`);
  }
  const bad = r.checkpoints.filter((c) => !c.valid).length;
  lines.push(`  checkpoints: ${r.checkpoints.length} (${bad} not valid with a trusted key)`);
  return `${lines.join('\n')}\n`;
}

function parse(args: string[]) {
  return parseCommandArgs(args, {
    server: { type: 'string' },
    data: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    json: { type: 'boolean', default: false },
  });
}
