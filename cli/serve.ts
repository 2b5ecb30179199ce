import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PolicyLayers } from '../gate/fast.js';
import { parseCommandArgs } from './args.js';
import type { WardEnv } from './env.js';

/**
 * The share the in-server analyzer may take while ingest is busy (of wall time: the machine's CPU goes to ingest)
 * or analysts are reading (of this thread's time: their answers wait on it, not on the analysis thread). See
 * analyzer/loop.ts `share` and `mainThreadShare`.
 */
const BUSY_SHARE = 0.25;
/** An API request within this many milliseconds counts as analysts reading. */
const API_RECENT_MS = 2_000;

/**
 * `ward serve [--host H] [--port P] [--data DIR] [--clickhouse-url URL] [--cluster NAME] [--database DB]
 *  [--raw-ttl-days N] [--events-ttl-days N] [--retention TABLE=DAYS,...] [--demo]
 *  [--tls-cert FILE --tls-key FILE | --insecure-no-tls] [--require-ingest-token] [--allow-data-in-workspace]
 *  [--local-receipts] [--approval-poll-ms N] [--approval-rate REQUESTS/SECONDS] [--ingest-ack journal|stored]`
 */
export async function main(args: string[], env: WardEnv): Promise<number> {
  const { values } = parseCommandArgs(args, {
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: '4318' },
    data: { type: 'string' },
    'allow-data-in-workspace': { type: 'boolean', default: false },
    'clickhouse-url': { type: 'string' },
    cluster: { type: 'string' },
    database: { type: 'string' },
    'raw-ttl-days': { type: 'string' },
    'events-ttl-days': { type: 'string' },
    retention: { type: 'string' },
    demo: { type: 'boolean', default: false },
    'tls-cert': { type: 'string' },
    'tls-key': { type: 'string' },
    'insecure-no-tls': { type: 'boolean', default: false },
    'require-ingest-token': { type: 'boolean', default: false },
    // Several instances on one ClickHouse skip the per-request receipt lookup (docs/scale.md).
    'local-receipts': { type: 'boolean', default: false },
    'approval-poll-ms': { type: 'string' },
    'approval-rate': { type: 'string' },
    'ingest-ack': { type: 'string' },
  });
  if ((values['tls-cert'] === undefined) !== (values['tls-key'] === undefined)) {
    process.stderr.write('ward serve: --tls-cert and --tls-key go together\n');
    return 2;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`ward serve: --port must be 0..65535, got '${values.port}'\n`);
    return 2;
  }
  const approvalPollMs =
    values['approval-poll-ms'] === undefined ? undefined : Number(values['approval-poll-ms']);
  if (
    approvalPollMs !== undefined &&
    !(Number.isInteger(approvalPollMs) && approvalPollMs >= 50 && approvalPollMs <= 60_000)
  ) {
    process.stderr.write(
      `ward serve: --approval-poll-ms must be an integer from 50 to 60000, got '${values['approval-poll-ms']}'\n`,
    );
    return 2;
  }
  const rate = values['approval-rate'];
  const rateParts = rate === undefined ? undefined : /^(\d{1,9})\/(\d{1,9})$/.exec(rate);
  if (rateParts === null) {
    process.stderr.write(
      `ward serve: --approval-rate must be REQUESTS/SECONDS (e.g. 120/600), got '${rate}'\n`,
    );
    return 2;
  }
  const ack = values['ingest-ack'];
  if (ack !== undefined && ack !== 'journal' && ack !== 'stored') {
    process.stderr.write(`ward serve: --ingest-ack must be journal or stored, got '${ack}'\n`);
    return 2;
  }
  const dataDir = values.data ?? env.dataDir ?? '.ward-data';
  const { dataDirProblem } = await import('./data-dir-check.js');
  const dataProblem = values['allow-data-in-workspace'] ? null : dataDirProblem(dataDir);
  if (dataProblem) {
    process.stderr.write(`ward serve: ${dataProblem}\n`);
    return 2;
  }
  // Recorded before anything else: every later `ward exec` / `ward run` on this account hides it.
  const registryProblem = (await import('./data-dir-registry.js')).recordDataDir(env.home, dataDir);
  if (registryProblem) process.stderr.write(`ward serve: warning: ${registryProblem}\n`);
  let retentionDays: Record<string, number>;
  try {
    retentionDays = parseRetention(values.retention ?? '');
  } catch (err) {
    process.stderr.write(`ward serve: --retention: ${(err as Error).message}\n`);
    return 2;
  }
  const { startServer, StartupError } = await import('../collector/index.js');
  const { createReportService } = await import('./report-service.js');
  const policyAudit = (await import('./policy-audit.js')).createPolicyAudit();
  // The server's policy files, read once now: hook decisions and approval scores keep this text.
  const serverLayers = (await import('./hook-endpoint.js')).serverLayers(env);
  const log = (msg: string) => process.stderr.write(`ward: ${msg}\n`);
  let server: Awaited<ReturnType<typeof startServer>>;
  // The embedded engine down for good (its worker restarts spent): stop as on a signal, exit 1.
  let storeDown: () => void = () => {};
  const down = new Promise<'down'>((resolve) => {
    storeDown = () => resolve('down');
  });
  try {
    server = await startServer(
      {
        host: values.host,
        port,
        dataDir,
        adminToken: env.adminToken,
        ...(values['tls-cert'] && values['tls-key']
          ? { tls: { certFile: values['tls-cert'], keyFile: values['tls-key'] } }
          : {}),
        insecureNoTls: values['insecure-no-tls'],
        requireIngestToken: values['require-ingest-token'],
        ...(values['local-receipts'] ? { sharedReceipts: false } : {}),
        ...(approvalPollMs !== undefined ? { approvalPollMs } : {}),
        ...(rateParts
          ? { approvalRate: { requests: Number(rateParts[1]), windowS: Number(rateParts[2]) } }
          : {}),
        ...(ack ? { batch: { ack } } : {}),
        store: {
          url: values['clickhouse-url'] ?? env.clickhouseUrl,
          username: env.clickhouseUser,
          password: env.clickhousePassword,
          cluster: values.cluster,
          database: values.database,
          rawTtlDays: values['raw-ttl-days'] === undefined ? undefined : Number(values['raw-ttl-days']),
          eventsTtlDays:
            values['events-ttl-days'] === undefined ? undefined : Number(values['events-ttl-days']),
          retentionDays,
        },
      },
      log,
      {
        hookDecider: (await import('./hook-endpoint.js')).createServerHookDecider(
          env,
          policyAudit,
          serverLayers,
        ),
        grantRule: (await import('../gate/index.js')).createGrantRule(),
        riskOf: await serverRisk(env, serverLayers),
        prepareWorkerScript: builtWorker(),
        reports: createReportService,
        uiDir: fileURLToPath(new URL('../../ui/dist', import.meta.url)),
        policy: { home: env.home, workspace: process.cwd() },
        onStoreDown: () => storeDown(),
      },
    );
  } catch (err) {
    if (err instanceof StartupError) {
      process.stderr.write(`ward serve: ${err.message}\n`);
      return 2;
    }
    const issues = (err as { issues?: { path: PropertyKey[]; message: string }[] }).issues;
    if (issues) {
      for (const i of issues)
        process.stderr.write(`ward serve: invalid setting ${i.path.map(String).join('.')}: ${i.message}\n`);
      return 2;
    }
    throw err;
  }
  // The analyzer runs inside the server by default (ward analyze --follow is the separate worker).
  const { createAnalyzer } = await import('../analyzer/index.js');
  // Small batches: scoring runs on the thread that answers approvals and hooks, so no batch may hold it long
  // (20k events took ~1.3 s of it under saturated ingest); `ward analyze --follow` keeps the large default.
  // While ingest is busy scoring takes at most a quarter of wall time, while the API is in use at most a quarter
  // of this thread's time (it catches up after).
  const { loop: analyzer } = await createAnalyzer({
    store: server.store,
    log,
    batchSize: 2_000,
    // 2,000 ordinary events are ~0.5 Mi characters; large ones (commands at the 8 KiB cut) make smaller batches.
    batchChars: 4 * 2 ** 20,
    share: () => (server.ingestBusy() ? BUSY_SHARE : 1),
    mainThreadShare: () => (server.apiRecent(API_RECENT_MS) ? BUSY_SHARE : 1),
  });
  server.reportAnalyzer(() => analyzer.status());
  analyzer.start();
  process.stdout.write(
    [
      `Ward is listening on ${server.url}`,
      `  OTLP/HTTP:  ${server.url}/v1/logs  /v1/traces  /v1/metrics`,
      `  API:        ${server.url}/api/events  /api/sessions  /api/alerts`,
      `  UI:         ${server.url}/  (log in with the admin token below)`,
      `  store:      ${server.storeMode}`,
      ack === 'journal'
        ? `  ingest:     acknowledged once fsynced to ${join(dataDir, 'journal')} (--ingest-ack journal)`
        : '',
      adminLine(server, process.stdout.isTTY === true),
      `  decisions:  signed (Ed25519); runners pin ${server.decisionPublicKeyFile} with WARD_DECISION_KEY`,
      values.demo ? '' : `  demo data:  ward demo --server ${server.url}   (or npm start -- --demo)`,
      '',
    ]
      .filter((l, i, a) => l !== '' || i === a.length - 1)
      .join('\n'),
  );
  if (values.demo) {
    const { runDemo } = await import('../demo/index.js');
    const sent = await runDemo({ server: server.url, token: server.adminToken });
    process.stdout.write(
      `  demo data:  sent ${sent.sessions} sessions (${sent.records} records) through OTLP\n`,
    );
  }
  policyAudit.attach((e) => server.store.audit.append(e));
  for (const t of await server.store.retention.status()) {
    if (!t.ok)
      process.stderr.write(
        `ward: warning: ${t.table} keeps ${t.days} days, below the ${t.required_days} days the mapped controls require ` +
          `(EU AI Act Art. 19/26: logs kept at least six months); raise it with --retention ${t.table}=${t.required_days}\n`,
      );
  }
  // Listen for the stop signal before the last line: a supervisor that waits for it may signal at once.
  const stopped = new Promise<'signal'>((resolve) => {
    const stop = () => resolve('signal');
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  process.stdout.write(
    `  try:        curl -s -H "Authorization: Bearer $(cat ${adminTokenHint(server)})" ${server.url}/api/sessions\n`,
  );
  const why = await Promise.race([stopped, down]);
  process.stderr.write(
    why === 'down'
      ? 'ward: the embedded store is down; shutting down, spooling queued rows…\n'
      : 'ward: shutting down, flushing queued rows…\n',
  );
  await analyzer.stop();
  await server.close();
  return why === 'down' ? 1 : 0;
}

/**
 * The admin line. The token itself is printed only when this start generated it and stdout is a terminal
 * (shown once, like `ward token create`): never when it came from WARD_ADMIN_TOKEN or an existing file, and
 * never into a log file or a supervisor's journal, where anything that can read logs would find it.
 */
function adminLine(
  server: { url: string; adminToken: string; adminTokenSource: string; adminTokenOrigin: string },
  tty: boolean,
): string {
  if (server.adminTokenOrigin === 'env') return `  admin:      ${server.url}/  (token from WARD_ADMIN_TOKEN)`;
  if (server.adminTokenOrigin === 'generated' && tty)
    return `  admin:      ${server.url}/?token=${server.adminToken}  (new admin token, shown once; kept in ${server.adminTokenSource})`;
  return `  admin:      ${server.url}/  (token in ${server.adminTokenSource})`;
}

/** Where a shell finds the admin token for the hint (the file, or the variable that set it). */
function adminTokenHint(server: { adminTokenSource: string }): string {
  return server.adminTokenSource === 'WARD_ADMIN_TOKEN'
    ? '<(echo "$WARD_ADMIN_TOKEN")'
    : server.adminTokenSource;
}

/** The server's own score for approval commands: the gate with the server's policy (hook-endpoint.ts). */
async function serverRisk(env: WardEnv, layers: PolicyLayers): Promise<(command: string) => Promise<number>> {
  const [{ createServerRisk }, { serverPolicy }] = await Promise.all([
    import('../collector/index.js'),
    import('./hook-endpoint.js'),
  ]);
  return createServerRisk(() => serverPolicy(env, undefined, layers));
}

/** The ingest worker beside the built CLI (dist/cli and dist/chunks are siblings of dist/collector). */
function builtWorker(): URL | undefined {
  const url = new URL('../collector/ingest/prepare-worker.js', import.meta.url);
  return existsSync(fileURLToPath(url)) ? url : undefined;
}

/** `audit_chain=400,alerts=200` -> { audit_chain: 400, alerts: 200 } (validated again by the store config). */
export function parseRetention(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const part of text.split(',').filter(Boolean)) {
    const m = /^([a-z_]+)=(\d{1,5})$/.exec(part.trim());
    if (!m) throw new Error(`expected TABLE=DAYS, got '${part}'`);
    out[m[1] as string] = Number(m[2]);
  }
  return out;
}
