import { spawn } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { killTree } from './kill-tree.js';

/** How to start one (already wrapped) process. */
export interface ProcessSpec {
  argv: string[];
  env: Record<string, string>;
  cwd: string;
  /** Bytes written to fds 3, 4, … of the child (e.g. the seccomp program), then closed (4, 5, … with startMarker). */
  fdData: Buffer[];
  /** fd 3 is a pipe the child writes a byte to when the command proper starts (outcome.started). */
  startMarker?: boolean;
  /** 'inherit': the child owns the terminal (interactive). 'pipe': output is captured and teed. */
  stdio: 'inherit' | 'pipe';
  /** stdin in 'pipe' mode: the parent's, or none. */
  stdin: 'inherit' | 'ignore';
  stdout?: Writable;
  stderr?: Writable;
  timeoutMs: number;
  abort?: AbortSignal;
  captureBytes: number;
}

export interface ProcessOutcome {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  aborted: boolean;
  stdout: string;
  stderr: string;
  truncated: boolean;
  durationMs: number;
  startTimeMs: number;
  /** With startMarker: whether the marker byte arrived (the sandbox was set up and the command started). */
  started: boolean;
  spawnError?: Error;
}

const CLOSE_GRACE_MS = 1000;

function capture(limit: number) {
  const chunks: Buffer[] = [];
  let size = 0;
  let truncated = false;
  return {
    push(b: Buffer) {
      if (size >= limit) {
        truncated = true;
        return;
      }
      chunks.push(b.length + size > limit ? b.subarray(0, limit - size) : b);
      if (b.length + size > limit) truncated = true;
      size += b.length;
    },
    text: () => Buffer.concat(chunks).toString('utf8'),
    get truncated() {
      return truncated;
    },
  };
}

/**
 * Runs a process in its own process group and waits for it. On timeout or abort the whole group gets
 * SIGKILL (for bwrap that tears down the sandbox's pid namespace: --die-with-parent does the rest).
 */
export function runProcess(spec: ProcessSpec): Promise<ProcessOutcome> {
  const startTimeMs = Date.now();
  const t0 = performance.now();
  const out = capture(spec.captureBytes);
  const err = capture(spec.captureBytes);
  return new Promise((resolvePromise) => {
    const base = spec.stdio === 'inherit' ? ['inherit', 'inherit', 'inherit'] : [spec.stdin, 'pipe', 'pipe'];
    const child = spawn(spec.argv[0]!, spec.argv.slice(1), {
      cwd: spec.cwd,
      env: spec.env,
      stdio: [
        ...base,
        ...(spec.startMarker ? ['pipe' as const] : []),
        ...spec.fdData.map(() => 'pipe' as const),
      ] as ('inherit' | 'pipe' | 'ignore')[],
      detached: true,
    });
    let timedOut = false;
    let aborted = false;
    let done = false;
    const killGroup = (): void => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    };
    // The group alone is not enough: bwrap's inner process starts a session of its own (--new-session), and
    // if it is caught before it has armed --die-with-parent, killing the outer bwrap leaves it running. So
    // on a timeout or abort the whole tree goes, by parentage and by session.
    let reaping: Promise<unknown> | undefined;
    const killEverything = (): void => {
      const pid = child.pid;
      if (pid === undefined || process.platform !== 'linux') {
        killGroup();
        return;
      }
      reaping ??= killTree(pid, { killRoot: killGroup }).catch(() => 0);
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killEverything();
    }, spec.timeoutMs);
    const onAbort = (): void => {
      aborted = true;
      killEverything();
    };
    spec.abort?.addEventListener('abort', onAbort, { once: true });
    if (spec.abort?.aborted) onAbort();
    let started = false;
    const firstData = spec.startMarker ? 4 : 3;
    if (spec.startMarker) {
      const marker = child.stdio[3] as Readable | null;
      marker?.on('error', () => {});
      marker?.on('data', () => {
        started = true;
      });
    }
    spec.fdData.forEach((data, i) => {
      const stream = child.stdio[firstData + i] as Writable | null;
      stream?.on('error', () => {});
      stream?.end(data);
    });
    child.stdout?.on('data', (b: Buffer) => {
      out.push(b);
      spec.stdout?.write(b);
    });
    child.stderr?.on('data', (b: Buffer) => {
      err.push(b);
      spec.stderr?.write(b);
    });
    const finish = (exitCode: number | null, signal: NodeJS.Signals | null, spawnError?: Error): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      spec.abort?.removeEventListener('abort', onAbort);
      // Anything the command left in its group (unsandboxed background jobs) goes with it; after a timeout
      // or abort, the answer waits until the whole tree is gone.
      killGroup();
      void (reaping ?? Promise.resolve()).then(() =>
        resolvePromise({
          exitCode,
          signal,
          timedOut,
          aborted,
          stdout: out.text(),
          stderr: err.text(),
          truncated: out.truncated || err.truncated,
          durationMs: performance.now() - t0,
          startTimeMs,
          started,
          ...(spawnError ? { spawnError } : {}),
        }),
      );
    };
    child.on('error', (e) => finish(null, null, e));
    // Once the command is gone, whatever it left in its group goes too (so its pipes close). Should a
    // straggler outside the group still hold them, stop waiting after a grace period.
    child.on('exit', (code, signal) => {
      killGroup();
      setTimeout(() => {
        child.stdout?.destroy();
        child.stderr?.destroy();
        finish(code, signal);
      }, CLOSE_GRACE_MS).unref();
    });
    child.on('close', (code, signal) => finish(code, signal));
  });
}
