import { spawn } from 'node:child_process';
import { join } from 'node:path';

/** The checkout's root. */
export const ROOT = join(import.meta.dirname, '..', '..');

/** What one run of the built `ward` command printed. */
export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** When stderr first matched `watch` (Date.now()), if it did. */
  matchedAt?: number;
}

/** Runs the built `ward` CLI (bin/ward.mjs -> dist/) with `args`, optional stdin, environment and cwd. */
export function runWard(
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; input?: string; cwd?: string; watch?: RegExp } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'ward.mjs'), ...args], {
      cwd: opts.cwd ?? ROOT,
      env: opts.env ?? process.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let matchedAt: number | undefined;
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (opts.watch && matchedAt === undefined && opts.watch.test(stderr)) matchedAt = Date.now();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr, ...(matchedAt ? { matchedAt } : {}) }));
    child.stdin.end(opts.input ?? '');
  });
}
