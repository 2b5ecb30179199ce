import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { MAIN_HEAP_NODE_ARGS } from '../../cli/main-heap.js';

const WARD = resolve(import.meta.dirname, '..', '..', 'dist', 'cli', 'ward.js');

/** A `ward serve` child process (built bundle, embedded store, port chosen by the OS). */
export interface WardProcess {
  url: string;
  pid: number;
  child: ChildProcess;
  /** Resident set size of the whole server process (threads included), from /proc. */
  rssMiB(): number;
  stop(): Promise<void>;
}

/** Starts `ward serve --port 0` in its own data dir and waits until it listens. */
export async function startWardProcess(args: string[] = []): Promise<WardProcess> {
  const data = mkdtempSync(join(tmpdir(), 'ward-proc-'));
  const child = spawn(
    process.execPath,
    [...MAIN_HEAP_NODE_ARGS, WARD, 'serve', '--port', '0', '--data', data, ...args],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  let err = '';
  child.stderr?.on('data', (d: Buffer) => {
    err = (err + d.toString()).slice(-4000);
  });
  const url = await new Promise<string>((ok, fail) => {
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) ok(m[1] as string);
    });
    child.once('exit', (code) => fail(new Error(`ward serve exited ${code}: ${err}`)));
  });
  const pid = child.pid as number;
  return {
    url,
    pid,
    child,
    rssMiB() {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
      return kb / 1024;
    },
    stop: () =>
      new Promise<void>((ok) => {
        if (child.exitCode !== null) return ok();
        child.once('exit', () => ok());
        child.kill('SIGTERM');
      }),
  };
}
