import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** True when real bubblewrap can create a sandbox here (the adversarial suites run only then). */
export function bwrapWorks(bwrapPath = '/usr/bin/bwrap'): boolean {
  if (process.platform !== 'linux') return false;
  const r = spawnSync(bwrapPath, ['--ro-bind', '/', '/', '--unshare-all', '--', '/bin/true'], {
    timeout: 10_000,
  });
  return r.status === 0;
}

/** Host pids whose command line contains `marker` (seen from outside any sandbox). */
export function hostPidsWith(marker: string): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${name}/cmdline`, 'utf8').replaceAll('\0', ' ').includes(marker))
        out.push(Number(name));
    } catch {
      // exited meanwhile
    }
  }
  return out;
}

/** Polls until `check` is true or the deadline passes; returns the last value. */
export async function waitFor(check: () => boolean, timeoutMs: number, everyMs = 20): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (check()) return true;
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
