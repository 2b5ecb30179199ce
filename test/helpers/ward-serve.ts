import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

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
  const child: ChildProcess = spawn(process.execPath, [WARD, 'serve', '--port', '0', '--data', dataDir], {
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

/** Runs a `ward` subcommand to completion. */
export function runWard(args: string[], env: Record<string, string>, cwd?: string) {
  return promisify(execFile)(process.execPath, [WARD, ...args], { env, ...(cwd ? { cwd } : {}) });
}

/** The result of a `ward` command run in the background. */
export interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
  /** When stderr first matched `watch` (Date.now()), if it did. */
  matchedAt?: number;
}

/** Starts a `ward` subcommand and returns a promise of how it ended (for commands that wait on a human). */
export function spawnWard(
  args: string[],
  env: Record<string, string>,
  cwd?: string,
  watch?: RegExp,
): Promise<Finished> {
  const child = spawn(process.execPath, [WARD, ...args], { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let matchedAt: number | undefined;
  child.stdout.on('data', (d) => {
    stdout += d;
  });
  child.stderr.on('data', (d) => {
    stderr += d;
    if (watch && matchedAt === undefined && watch.test(stderr)) matchedAt = Date.now();
  });
  return new Promise((resolve) =>
    child.once('close', (code) => resolve({ code, stdout, stderr, ...(matchedAt ? { matchedAt } : {}) })),
  );
}
