import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { GateDecision, GateInput, PolicyLayers } from '../gate/fast.js';
import type { GateThreadReply, GateThreadRequest } from './gate-thread.js';

/** The built gate thread: dist/cli/gate-thread.js beside the bundle's chunks, or under dist/ from the sources. */
export function gateThreadScript(): URL | undefined {
  const candidates = [
    new URL('../cli/gate-thread.js', import.meta.url),
    new URL('../dist/cli/gate-thread.js', import.meta.url),
  ];
  return candidates.find((u) => existsSync(fileURLToPath(u)));
}

/** Texts longer than this end their thread once decided (see spawn). */
const RECYCLE_AFTER_CHARS = 64 * 1024;

export class GateBusyError extends Error {
  override readonly name = 'GateBusyError';
}

export interface GateThreadsOptions {
  script: URL;
  /**
   * The server's policy layers with their text as `ward serve` read it at start (`texts`): a thread compiles
   * them itself (a compiled policy holds functions), and never reads the files again.
   */
  layers: PolicyLayers;

  /** Threads (default 1: each may hold ~250 MiB while it decides a hostile text at the size limit). */
  size?: number;
  /** Longest one decision may take before its thread is ended and the call refused (ms, for `chars` of text). */
  deadlineMs: (chars: number) => number;
  /** Old-generation heap of each thread (MiB, default 160). */
  heapMb?: number;
  /** Calls of one caller waiting for a thread (default 8); more are refused at once. */
  perCaller?: number;
  /** Calls waiting in total (default 1024). */
  total?: number;
}

interface Job {
  caller: string;
  workspace: string;
  input: GateInput;
  /** Characters the decision reads: the command, the working directory and the workspace. */
  chars: number;
  resolve: (d: GateDecision) => void;
  reject: (e: Error) => void;
}

/** A caller's waiting calls, how many decisions it was given, and how many are running now. */
interface Caller {
  line: Job[];
  given: number;
  deciding: number;
}

interface Thread {
  worker: Worker;
  job?: Job & { id: number; timer: NodeJS.Timeout; from: Caller };
}

/**
 * Gate decisions on worker threads. Each caller (token) has its own line, and the next free thread takes the
 * waiting caller given the fewest decisions so far (first come first among equals; a caller arriving starts level
 * with the last one served): one runner's queue of hostile texts delays another runner's hook call by at most
 * one decision per thread. A decision past its deadline ends its thread (a new one takes its place) and is
 * refused.
 */
export function createGateThreads(opts: GateThreadsOptions) {
  const size = opts.size ?? 1;
  const perCaller = opts.perCaller ?? 8;
  const total = opts.total ?? 1024;
  const callers = new Map<string, Caller>();
  let clock = 0;
  let waiting = 0;
  let nextId = 1;
  let closed = false;
  const threads: Thread[] = [];

  const spawn = (): Thread => {
    const t: Thread = {
      worker: new Worker(opts.script, {
        workerData: { layers: opts.layers },
        // A decision that needs more is refused (its thread ends), so hostile text cannot grow the server.
        // Young generation: 4 MiB semi-spaces (12 MiB), as under the process-wide flag it ran with before.
        resourceLimits: { maxOldGenerationSizeMb: opts.heapMb ?? 160, maxYoungGenerationSizeMb: 12 },
      }),
    };
    t.worker.on('message', (reply: GateThreadReply) => {
      const job = t.job;
      if (!job || job.id !== reply.id) return;
      // A large text grew the thread's heap and its grammar's WASM memory, which never shrinks: the thread
      // ends after it, and the next decision starts a new one.
      if (reply.retire || job.chars > RECYCLE_AFTER_CHARS) retire(t);
      finish(t, reply.ok ? { decision: reply.decision } : { error: new Error(reply.error) });
    });
    const lost = (why: string) => {
      retire(t);
      finish(t, { error: new Error(why) });
    };
    t.worker.on('error', (err) => lost(`the gate's thread failed: ${err.message}`));
    t.worker.on('exit', () => lost("the gate's thread stopped"));
    t.worker.unref();
    threads.push(t);
    return t;
  };

  /** Takes a thread out of service and ends it (a new one is started when a decision needs one). */
  function retire(t: Thread): void {
    const i = threads.indexOf(t);
    if (i < 0) return;
    threads.splice(i, 1);
    void t.worker.terminate();
  }

  /** Settles the thread's job (if any), frees the thread and serves the next caller. */
  function finish(t: Thread, outcome: { decision: GateDecision } | { error: Error }): void {
    const job = t.job;
    t.job = undefined;
    if (job) {
      clearTimeout(job.timer);
      job.from.deciding--;
      if (job.from.deciding === 0 && job.from.line.length === 0) callers.delete(job.caller);
      if ('decision' in outcome) job.resolve(outcome.decision);
      else job.reject(outcome.error);
    }
    dispatch();
  }

  function dispatch(): void {
    while (!closed && waiting > 0) {
      let t = threads.find((x) => !x.job);
      if (!t && threads.length < size) t = spawn();
      if (!t) return;
      let turn: Caller | undefined;
      for (const c of callers.values()) if (c.line.length > 0 && (!turn || c.given < turn.given)) turn = c;
      if (!turn) return;
      const job = turn.line.shift() as Job;
      clock = Math.max(clock, turn.given);
      turn.given++;
      turn.deciding++;
      waiting--;
      const id = nextId++;
      const thread = t;
      const ms = opts.deadlineMs(job.chars);
      const timer = setTimeout(() => {
        retire(thread);
        finish(thread, { error: new Error(`the analysis did not finish within ${Math.round(ms)} ms`) });
      }, ms);
      thread.job = { ...job, id, timer, from: turn };
      thread.worker.postMessage({
        id,
        workspace: job.workspace,
        input: job.input,
      } satisfies GateThreadRequest);
    }
  }

  return {
    /** Decides `input` for `caller` (who takes turns with other callers) against `workspace`. */
    decide(caller: string, workspace: string, input: GateInput): Promise<GateDecision> {
      if (closed) return Promise.reject(new GateBusyError("the gate's threads are closed"));
      const state = callers.get(caller) ?? { line: [], given: clock, deciding: 0 };
      if (state.line.length >= perCaller)
        return Promise.reject(
          new GateBusyError(`${state.line.length} hook calls of this token are already waiting`),
        );
      if (waiting >= total)
        return Promise.reject(new GateBusyError(`${waiting} hook calls are already waiting`));
      return new Promise<GateDecision>((resolve, reject) => {
        const chars = input.command.length + (input.cwd?.length ?? 0) + workspace.length;
        state.line.push({ caller, workspace, input, chars, resolve, reject });
        callers.set(caller, state);
        waiting++;
        dispatch();
      });
    },
    stats: () => ({ threads: threads.length, busy: threads.filter((t) => t.job).length, waiting }),
    async close(): Promise<void> {
      closed = true;
      for (const c of callers.values())
        for (const j of c.line.splice(0)) j.reject(new GateBusyError('the server is stopping'));
      callers.clear();
      waiting = 0;
      await Promise.all(threads.splice(0).map((t) => t.worker.terminate()));
    },
  };
}
export type GateThreads = ReturnType<typeof createGateThreads>;
