import { timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Server as HttpServer, IncomingMessage } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import type { Hono } from 'hono';
import { createRedactor } from '../schema/fast.js';
import type { GrantRule } from '../schema/index.js';
import { createStore, hashToken, type Store } from '../store/index.js';
import { AdminTokenFileError, type AdminTokenOrigin, loadAdminToken } from './admin-token.js';
import { createAlertWorkflow } from './alerts/workflow.js';
import { createApp } from './app.js';
import { createApprovalService, createServerRisk } from './approvals/index.js';
import { ServerConfig } from './config.js';
import { loadDecisionKey } from './decision-key.js';
import { createLagMonitor } from './event-loop-lag.js';
import { admissionBounds, createAdmission, writerShares } from './ingest/admission.js';
import { limitConnections, listening } from './ingest/connection-limits.js';
import { openIngestJournal, readBarrier, storeJournaled } from './ingest/journal-wiring.js';
import { createIngest } from './ingest/pipeline.js';
import { createPreparePool, INGEST_YOUNG_GENERATION_MB } from './ingest/prepare-pool.js';
import { createReceiptSet } from './ingest/receipts.js';
import { createFileSpool } from './ingest/spool.js';
import { loadSpoolKey } from './ingest/spool-key.js';
import { createBatchingWriter, type Sink } from './ingest/writer.js';
import { createApiActivity } from './middleware/api-activity.js';
import { createAuthorize, isLoopback, type Principal } from './middleware/auth.js';
import { createBrowserSessions } from './middleware/browser-session.js';
import { createHoldLimit } from './middleware/hold-limit.js';
import { createRevocationFeed } from './middleware/revocation-feed.js';
import { processHealth } from './process-health.js';
import { alertRoutes } from './routes/alerts.js';
import { approvalRoutes } from './routes/approvals.js';
import { auditRoutes } from './routes/audit.js';
import { grantRoutes } from './routes/grants.js';
import { serverHooks } from './routes/hook-wiring.js';
import type { HookDecider } from './routes/hooks.js';
import { overviewRoutes } from './routes/overview.js';
import { policyRoutes } from './routes/policy.js';
import { type ReportService, reportRoutes } from './routes/reports.js';
import { riskRoutes } from './routes/risk.js';
import { streamRoutes } from './routes/stream.js';

export interface WardServer {
  url: string;
  storeMode: string;
  adminToken: string;
  adminTokenSource: string;
  /** generated (this start: show it once), file (adopted from the data dir) or env (WARD_ADMIN_TOKEN). */
  adminTokenOrigin: AdminTokenOrigin;
  /** SPKI PEM of the key that signs decisions (runners pin it: WARD_DECISION_KEY). */
  decisionPublicKey: string;
  /** Where that public key is written for operators to copy. */
  decisionPublicKeyFile: string;
  store: Store;
  app: Hono;
  /** True while OTLP requests are being received or their rows wait to be stored. */
  ingestBusy(): boolean;
  /** Stores every row acknowledged so far (with the journal, a 200 precedes the insert): for readers of `store`. */
  flushIngest(): Promise<void>;
  /** True when the JSON API took a request within the last `ms` milliseconds. */
  apiRecent(ms: number): boolean;
  /** Shows the in-server analyzer's progress on /healthz (`analyzer`). */
  reportAnalyzer(status: () => Record<string, unknown>): void;
  close(): Promise<void>;
}

export class StartupError extends Error {}

function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || isLoopback(host);
}

/** The PEM files of --tls-cert/--tls-key, read once at start (a bad path is a startup error, not a crash). */
function readTls(files: { certFile: string; keyFile: string }): { cert: Buffer; key: Buffer } {
  const read = (what: string, file: string) => {
    try {
      return readFileSync(file);
    } catch (err) {
      throw new StartupError(`cannot read the TLS ${what} ${file}: ${(err as Error).message}`);
    }
  };
  return { cert: read('certificate', files.certFile), key: read('key', files.keyFile) };
}

/** Parts the composition root (cli/serve.ts) plugs in from other folders. */
export interface ServerPlugins {
  /** Agent hook decisions (the gate) for POST /api/hooks/:agent; the route is absent without it. */
  hookDecider?: HookDecider;
  /** The gate's grant rules: without them, approvals with scope session/project count once. */
  grantRule?: GrantRule;
  /** The server's risk score for an approval's command (default: the gate with built-in policy). */
  riskOf?: (command: string) => Promise<number>;
  /** The built ingest worker (dist/collector/ingest/prepare-worker.js); without it requests prepare inline. */
  prepareWorkerScript?: URL;
  /** Compliance report builders (analyzer/); GET /api/reports/compliance is absent without them. */
  reports?: (store: Store) => ReportService;
  /** The built UI directory (ui/dist); without it `/` explains how to build it. */
  uiDir?: string;
  /** Where GET /api/policy and POST /api/gate/check find policy files; the routes are absent without it. */
  policy?: { home: string; workspace: string };
  /**
   * An open store to serve from instead of opening `config.store` (tests run several instances on one
   * engine, as several `ward serve` share one ClickHouse server); the caller closes it.
   */
  store?: Store;
  /** The embedded engine stopped for good (its restarts spent): the process should shut down. */
  onStoreDown?: (err: Error) => void;
}

/** Starts `ward serve`: store, writer, OTLP receiver and API on one port. */
export async function startServer(
  input: ServerConfig,
  log: (msg: string) => void = () => {},
  plugins: ServerPlugins = {},
): Promise<WardServer> {
  const config = ServerConfig.parse(input);
  const loopback = isLoopbackHost(config.host);
  // Ingest with no token from loopback: tokens then do not tell senders apart (ingest shares, otlp.ts).
  const openIngest = loopback && !config.requireIngestToken;
  if (!loopback && !config.adminToken) {
    throw new StartupError(
      `refusing to listen on ${config.host}: a non-loopback bind needs API tokens. Set WARD_ADMIN_TOKEN ` +
        '(and create runner tokens) or bind to 127.0.0.1.',
    );
  }
  if (!loopback && !config.tls && !config.insecureNoTls) {
    throw new StartupError(
      `refusing to listen on ${config.host} without TLS: tokens and approval decisions would travel in clear. ` +
        'Give --tls-cert FILE --tls-key FILE, put a TLS reverse proxy in front and bind 127.0.0.1, or pass ' +
        '--insecure-no-tls on a network you trust.',
    );
  }
  let admin: ReturnType<typeof loadAdminToken>;
  try {
    admin = loadAdminToken(config.dataDir, config.adminToken);
  } catch (err) {
    if (err instanceof AdminTokenFileError) throw new StartupError(err.message);
    throw err;
  }
  const tls = config.tls ? readTls(config.tls) : undefined;
  let decisionKey: ReturnType<typeof loadDecisionKey>;
  try {
    decisionKey = loadDecisionKey(config.dataDir);
  } catch (err) {
    if (err instanceof AdminTokenFileError) throw new StartupError(err.message);
    throw err;
  }
  const store =
    plugins.store ??
    (await createStore(
      { ...config.store, dataDir: config.dataDir },
      {
        engine: {
          log,
          maxBulkBytes: config.batch.maxQueuedBytes,
          ...(plugins.onStoreDown ? { onFatal: plugins.onStoreDown } : {}),
        },
      },
    ));
  const adminHash = Buffer.from(hashToken(admin.token), 'hex');

  // Every stored ingest part (and every spooled one replayed) goes through the store's one ingest write.
  const sink: Sink = (table, payload, rows, format) => store.ingest.write({ table, format, payload, rows });
  const probe = async () => {
    await store.db.query('health', 'SELECT 1');
  };
  const spoolKey = loadSpoolKey(config.dataDir);
  const spool = createFileSpool({
    dir: join(config.dataDir, 'spool'),
    key: spoolKey,
    probe,
    log,
  });
  let spoolDown = '';
  const replaySpool = () =>
    spool.replay(sink).then(
      (n) => {
        if (n) log(`stored ${n} spooled rows`);
        spoolDown = '';
      },
      (err: unknown) => {
        // Logged once per outage, not every 10 s.
        const msg = err instanceof Error ? err.message : String(err);
        if (msg !== spoolDown) log(`spool replay waits for the store: ${msg}`);
        spoolDown = msg;
      },
    );
  await replaySpool();
  const replayTimer = setInterval(() => void replaySpool(), 10_000);
  replayTimer.unref();

  const { ack = 'stored', ...batch } = config.batch;
  const journal = ack === 'journal' ? await openIngestJournal(config.dataDir, spoolKey, log) : null;
  const writer = createBatchingWriter({
    sink,
    spool,
    ...batch,
    ...writerShares(batch, openIngest),
    onError: (err, table) =>
      log(`insert into ${table} failed: ${err instanceof Error ? err.message : String(err)}`),
    ...(journal ? { onStored: journal.stored, onLost: journal.lost } : {}),
  });
  const onLate = journal && (await storeJournaled(journal, writer, log));
  const receipts = createReceiptSet();
  for (const h of await store.receipts.recent(48, 200_000)) receipts.add(h);

  const redactor = createRedactor(config.redaction);
  const pool = createPreparePool({
    size: config.ingestWorkers,
    script: plugins.prepareWorkerScript,
    redaction: config.redaction,
    codec: store.ingest.codec,
    time: {
      maxFutureMs: config.time.maxFutureHours * 3600_000,
      maxPastMs: (config.time.maxPastDays ?? config.store.rawTtlDays ?? 30) * 86_400_000,
    },
    limits: { maxRecords: config.ingestLimits.maxRecords, maxValues: config.ingestLimits.maxValues },
    workerLimits: {
      maxOldGenerationSizeMb: config.ingestLimits.workerHeapMb,
      maxYoungGenerationSizeMb: INGEST_YOUNG_GENERATION_MB,
    },
  });
  const admission = createAdmission(admissionBounds(config.ingestLimits, config.maxBodyBytes, openIngest));
  const ingest = createIngest({
    writer,
    prepare: pool.prepare,
    receipts,
    ...(journal && onLate ? { journal, onLate } : {}),
    ...((config.sharedReceipts ?? config.store.url !== undefined)
      ? { seen: (hash: string) => store.receipts.has(hash) }
      : {}),
  });

  // Other instances' revocations reach this one's token cache through the store (one query a second).
  const revocations = createRevocationFeed({ revokedAmong: (h) => store.tokens.revokedAmong(h), log });
  const authorize = createAuthorize({
    ...(journal ? { beforeHandler: readBarrier(writer) } : {}),
    cacheMs: revocations.cacheMs,
    maxInProgressPerToken: config.limits.apiPerToken,
    openLoopbackIngest: openIngest,
    sessions: createBrowserSessions(),
    remoteAddress: (c) =>
      (c.env as { incoming?: IncomingMessage } | undefined)?.incoming?.socket.remoteAddress ?? '',
    lookup: async (token): Promise<Omit<Principal, 'id'> | null> => {
      const h = Buffer.from(hashToken(token), 'hex');
      if (timingSafeEqual(h, adminHash)) return { name: 'admin', role: 'admin' };
      const rec = await store.tokens.lookup(token);
      return rec ? { name: rec.name, role: rec.role } : null;
    },
    onFirstUse: (p) => {
      store.audit
        .append({ actor: p.name, action: 'token.first-use', target: p.id, details: { role: p.role } })
        .catch((err: unknown) =>
          log(`audit of a token's first use failed: ${err instanceof Error ? err.message : String(err)}`),
        );
    },
  });

  revocations.start(authorize.resolver);

  const approvals = createApprovalService({
    store,
    log,
    redact: (s) => redactor.text(s),
    riskOf: plugins.riskOf ?? createServerRisk(),
    signDecision: decisionKey.sign,
    signGrant: decisionKey.signGrant,
    pollMs: config.approvalPollMs,
    askRate: config.approvalRate,
    ...(plugins.grantRule ? { grantRule: plugins.grantRule } : {}),
  });
  await approvals.start();

  const lag = createLagMonitor();

  const holdLimit = createHoldLimit({ perToken: config.limits.heldPerToken, total: config.limits.heldTotal });
  const hooks = plugins.hookDecider
    ? serverHooks({
        decide: plugins.hookDecider,
        service: approvals,
        authorize,
        holdLimit,
        store,
        log,
        riskBehindMs: config.riskBehindMs,
        sharedReads: config.sharedReads ?? config.store.url !== undefined,
        redact: redactor,
      })
    : undefined;
  const apiActivity = createApiActivity();
  let analyzerStatus: (() => Record<string, unknown>) | undefined;
  const app = createApp({
    apiActivity: apiActivity.middleware,
    store,
    ingest,
    authorize,
    maxBodyBytes: config.maxBodyBytes,
    admission,
    bodyDeadlineMs: config.ingestLimits.bodyDeadlineMs,
    log,
    ...(plugins.uiDir ? { uiDir: plugins.uiDir } : {}),
    apiRoutes: [
      ...(plugins.policy ? [policyRoutes({ authorize, ...plugins.policy })] : []),
      approvalRoutes({ service: approvals, authorize, holdLimit }),
      grantRoutes({ service: approvals, store, authorize }),
      ...(hooks ? [hooks.routes] : []),
      alertRoutes({ store, authorize, workflow: createAlertWorkflow(store) }),
      riskRoutes({ store, authorize }),
      overviewRoutes({ store, authorize }),
      streamRoutes({ store, authorize }),
      auditRoutes({ store, authorize }),
      ...(plugins.reports ? [reportRoutes({ reports: plugins.reports(store), store, authorize })] : []),
    ],
    health: {
      check: probe,
      stats: async () => ({
        store: store.mode.startsWith('embedded') ? 'embedded' : 'server',
        writer: writer.stats(),
        engine: store.engineStats() ?? null,
        inflight: admission.stats(),
        spool: await spool.stats().catch(() => null),
        journal: journal?.stats() ?? null,
        analyzer: analyzerStatus?.() ?? null,
        eventLoopLagMs: lag.now(),
        ...processHealth(),
      }),
    },
  });

  let server: HttpServer;
  try {
    server = serve({
      fetch: app.fetch,
      hostname: config.host,
      port: config.port,
      ...(tls
        ? { createServer: createHttpsServer, serverOptions: { ...tls, minVersion: 'TLSv1.2' as const } }
        : {}),
    }) as HttpServer;
  } catch (err) {
    // A key that does not match the certificate, or PEM that is not one, fails here.
    await Promise.allSettled([pool.close(), store.close()]);
    approvals.close();
    throw new StartupError(`cannot serve TLS with --tls-cert/--tls-key: ${(err as Error).message}`);
  }
  // Slow or held connections: headers and whole requests have deadlines, sockets a ceiling that silent ones
  // make room under (held responses — long-polls, streams — are capped per token by the hold limit instead).
  limitConnections(server, config.limits);
  await listening(server, (err) =>
    err.code === 'EADDRINUSE'
      ? new StartupError(`port ${config.port} on ${config.host} is already in use (--port)`)
      : new StartupError(err.message),
  );
  const address = server.address() as AddressInfo;
  const hostForUrl = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  let closing: Promise<void> | undefined;
  return {
    url: `${tls ? 'https' : 'http'}://${hostForUrl}:${address.port}`,
    storeMode: store.mode,
    adminToken: admin.token,
    adminTokenSource: admin.source,
    adminTokenOrigin: admin.origin,
    decisionPublicKey: decisionKey.publicKeyPem,
    decisionPublicKeyFile: join(config.dataDir, 'decision-key.pub.pem'),
    store,
    app,
    apiRecent: apiActivity.recent,
    reportAnalyzer(status) {
      analyzerStatus = status;
    },
    flushIngest: () => writer.flush(),
    ingestBusy(): boolean {
      const w = writer.stats();
      return admission.stats().requests > 0 || w.queuedRows + w.inFlightRows > 0;
    },
    close() {
      closing ??= (async () => {
        clearInterval(replayTimer);
        lag.stop();
        approvals.close();
        revocations.stop();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await writer.close();
        await journal?.close();
        await pool.close();
        await plugins.hookDecider?.close?.();
        await hooks?.flush();
        if (!plugins.store) await store.close();
      })();
      return closing;
    },
  };
}
