import { parseCommandArgs } from './args.js';
import type { WardEnv } from './env.js';

export const USAGE = `usage: ward analyze [--follow] [--batch-size N] [--data DIR] [--clickhouse-url URL] [--database DB] [--cluster NAME]
  Scores stored agent events into alerts and session risk, from the analyzer's watermark on.
  Without --follow: catch up and exit. With --follow: keep scoring new events until SIGINT/SIGTERM.
  Several workers on one ClickHouse server share the work through a lease (one scores at a time).
  With the embedded engine, run it only while 'ward serve' is not running on the same --data.
`;

/** `ward analyze`: the analyzer as its own worker (e.g. beside a ClickHouse server). */
export async function main(args: string[], env: WardEnv): Promise<number> {
  let values: ReturnType<typeof parse>['values'];
  try {
    ({ values } = parse(args));
  } catch (err) {
    process.stderr.write(`ward analyze: ${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  const batchSize = Number(values['batch-size']);
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 1_000_000) {
    process.stderr.write(`ward analyze: --batch-size must be 1..1000000\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const [{ createStore }, { createAnalyzer }] = await Promise.all([
    import('../store/index.js'),
    import('../analyzer/index.js'),
  ]);
  const log = (msg: string) => process.stderr.write(`ward analyze: ${msg}\n`);
  const store = await createStore({
    dataDir: values.data,
    url: values['clickhouse-url'] ?? env.clickhouseUrl,
    username: env.clickhouseUser,
    password: env.clickhousePassword,
    database: values.database,
    cluster: values.cluster,
  });
  try {
    const { loop } = await createAnalyzer({
      store,
      log,
      batchSize,
      onBatch: (r) => {
        for (const a of r.alerts)
          log(`alert ${a.severity} ${a.rule_id} session ${a.session_id} (${a.evidence_count})`);
      },
    });
    if (!values.follow) {
      const n = await loop.catchUp();
      process.stdout.write(`scored ${n} events\n`);
      return 0;
    }
    loop.start();
    process.stdout.write('ward analyze: following new events (Ctrl-C to stop)\n');
    await new Promise<void>((resolve) => {
      process.once('SIGINT', () => resolve());
      process.once('SIGTERM', () => resolve());
    });
    await loop.stop();
    return 0;
  } finally {
    await store.close();
  }
}

function parse(args: string[]) {
  return parseCommandArgs(args, {
    follow: { type: 'boolean', default: false },
    data: { type: 'string', default: '.ward-data' },
    'clickhouse-url': { type: 'string' },
    database: { type: 'string' },
    cluster: { type: 'string' },
    'batch-size': { type: 'string', default: '20000' },
    help: { type: 'boolean', default: false },
  });
}
