/** Everything Ward takes from the environment, read once at start and passed down. */
export interface WardEnv {
  /** ClickHouse server URL; unset means the embedded engine. */
  clickhouseUrl: string | undefined;
  clickhouseUser: string | undefined;
  clickhousePassword: string | undefined;
  /** Overrides the generated admin token. */
  adminToken: string | undefined;
  /** Token a runner or hook presents to the server (runner role). */
  token: string | undefined;
  /** Default server URL for runners, hooks and the demo. */
  server: string | undefined;
  home: string;
  /** Ward's data directory (WARD_DATA_DIR): `ward serve`'s default --data, hidden from every sandbox. */
  dataDir: string | undefined;
  /** The full parent environment, for building a sandbox's allowlisted environment. */
  processEnv: Readonly<Record<string, string | undefined>>;
}

export function readEnv(env: NodeJS.ProcessEnv): WardEnv {
  return {
    clickhouseUrl: env.CLICKHOUSE_URL || undefined,
    clickhouseUser: env.CLICKHOUSE_USER || undefined,
    clickhousePassword: env.CLICKHOUSE_PASSWORD || undefined,
    adminToken: env.WARD_ADMIN_TOKEN || undefined,
    token: env.WARD_TOKEN || undefined,
    server: env.WARD_SERVER || undefined,
    home: env.HOME || '/root',
    dataDir: env.WARD_DATA_DIR || undefined,
    processEnv: { ...env },
  };
}
