import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAIN_HEAP_NODE_ARGS } from '../../cli/main-heap.js';

const ROOT = join(import.meta.dirname, '..', '..');
/** The built `ward` command (test/global-setup.ts builds dist/ and ui/dist before any test file). */
export const WARD = join(ROOT, 'bin', 'ward.mjs');

/** A `ward serve` child process on a free loopback port with its own data dir and home. */
export interface WardProcess {
  url: string;
  /** The admin URL it printed (`/?token=…`). */
  loginUrl: string;
  adminToken: string;
  home: string;
  dataDir: string;
  /** Environment for other `ward` commands talking to this server (PATH, HOME). */
  env: Record<string, string>;
  stop(): Promise<void>;
}

/** Spawns the built CLI's `ward serve --port 0` and waits for the lines it prints at start. */
export async function startWardServe(): Promise<WardProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), 'ward-e2e-data-'));
  const home = mkdtempSync(join(tmpdir(), 'ward-e2e-home-'));
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home };
  // Under a pseudo-terminal (util-linux `script`), as a person runs it: `ward serve` shows a new admin
  // token only on a terminal, never into a pipe or a log.
  const command = [process.execPath, ...MAIN_HEAP_NODE_ARGS, WARD, 'serve', '--port', '0', '--data', dataDir]
    .map((a) => `'${a.replaceAll("'", "'\\''")}'`)
    .join(' ');
  const child: ChildProcess = spawn('script', ['-qfec', command, '/dev/null'], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr?.on('data', (d) => {
    err += d;
  });
  const printed = await new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (d) => {
      out += d;
      if (/admin:\s+\S+\?token=\S+/.test(out)) resolve(out);
    });
    child.once('exit', (code) => reject(new Error(`ward serve exited ${code}: ${err}`)));
  });
  const url = /listening on (\S+)/.exec(printed)?.[1] as string;
  const loginUrl = /admin:\s+(\S+\?token=\S+)/.exec(printed)?.[1] as string;
  const adminToken = new URL(loginUrl).searchParams.get('token') as string;
  return {
    url,
    loginUrl,
    adminToken,
    home,
    dataDir,
    env,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dataDir, { recursive: true, force: true });
      rmSync(home, { recursive: true, force: true });
    },
  };
}
