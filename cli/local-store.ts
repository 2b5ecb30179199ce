import type { Store } from '../store/index.js';
import type { WardEnv } from './env.js';

/** Opens the store of a data dir (or CLICKHOUSE_URL) directly, for commands run beside a stopped server. */
export async function openLocalStore(env: WardEnv, dataDir: string): Promise<Store> {
  const { createStore } = await import('../store/index.js');
  try {
    return await createStore({
      dataDir,
      url: env.clickhouseUrl,
      username: env.clickhouseUser,
      password: env.clickhousePassword,
    });
  } catch (err) {
    throw new Error(
      `cannot open the store in ${dataDir}: ${(err as Error).message}` +
        ' (a running ward serve holds the embedded store: use --server instead)',
    );
  }
}
