import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { analyzerBudgetMs, type CommandFacts, unanalysedFacts } from './facts.js';
import type { FactsThreadData, FactsThreadReply, FactsThreadRequest } from './facts-thread.js';

/** The built facts thread: dist/analyzer/facts-thread.js beside the bundle's chunks, or under dist/ from the sources. */
export function factsThreadScript(): URL | undefined {
  const candidates = [
    new URL('../analyzer/facts-thread.js', import.meta.url),
    new URL('../dist/analyzer/facts-thread.js', import.meta.url),
  ];
  return candidates.find((u) => existsSync(fileURLToPath(u)));
}

export interface FactsThreadsOptions {
  script: URL;
  /** Longest one item may take before its thread is ended and the item said unanalysed (ms, for its length). */
  deadlineMs?: (chars: number) => number;
  /**
   * Old-generation heap of the thread (MiB, default 64). It receives at most 2 MiB of commands at a time and
   * keeps nothing between them; V8 lets a heap grow with garbage up to its limit, and at 160 MiB a flood of
   * large commands took ~50 MiB more of `ward serve` (bench:flood) with no analysis needing it.
   */
  heapMb?: number;
  /**
   * The grammar's memory above which a thread makes way for a new one (bytes, default 96 MiB): a WASM memory
   * never shrinks, and a hostile parse can grow it to its 512 MiB maximum.
   */
  retireAboveBytes?: number;
  /** Called when a thread is ended before its work was done (why, for the log). */
  onReplaced?: (why: string) => void;
}

interface Batch {
  items: [string, string][];
  out: CommandFacts[];
  /** Items answered so far (they are answered in order). */
  done: number;
  resolve: (facts: CommandFacts[]) => void;
  reject: (err: Error) => void;
}

/** Most items, and characters, one request to the thread holds. */
const MAX_ITEMS_PER_REQUEST = 256;
const MAX_CHARS_PER_REQUEST = 2 * 2 ** 20;

/**
 * By default: the analysis budget for each of its runs (one, and up to two more when the thread was starved of
 * CPU: facts-thread.ts), and 2 s for what is not parsing.
 */
const defaultDeadline = (chars: number) => 3 * analyzerBudgetMs(chars) + 2_000;

/**
 * Command analysis on one worker thread, batches in turn. An item whose analysis runs past its deadline ends
 * its thread and is said unanalysed (`exec.unanalysable`); a new thread takes the rest.
 */
export function createFactsThreads(opts: FactsThreadsOptions) {
  const deadlineMs = opts.deadlineMs ?? defaultDeadline;
  const line: Batch[] = [];
  let worker: Worker | undefined;
  let running: { batch: Batch; id: number; start: number; end: number; timer?: NodeJS.Timeout } | undefined;
  let nextId = 1;
  let replaced = 0;

  /** Ends the current thread, if any, without hearing from it again. */
  const endWorker = (): Promise<number> | undefined => {
    const w = worker;
    worker = undefined;
    if (!w) return undefined;
    w.removeAllListeners();
    w.on('error', () => {});
    return w.terminate();
  };

  const retire = (why: string) => {
    void endWorker();
    if (why) {
      replaced++;
      opts.onReplaced?.(why);
    }
  };

  const spawn = (): Worker => {
    const w = new Worker(opts.script, {
      workerData: { retireAboveBytes: opts.retireAboveBytes ?? 96 * 2 ** 20 } satisfies FactsThreadData,
      // Young generation: 4 MiB semi-spaces (12 MiB), as under the process-wide flag it ran with before.
      resourceLimits: { maxOldGenerationSizeMb: opts.heapMb ?? 64, maxYoungGenerationSizeMb: 12 },
    });
    w.on('message', (reply: FactsThreadReply) => {
      const r = running;
      if (!r || reply.id !== r.id || r.start + reply.index !== r.batch.done) return;
      r.batch.out[r.batch.done++] = reply.facts;
      if (reply.retire) {
        retire('the grammar failed or holds too much memory');
        send();
      } else if (r.batch.done === r.end) {
        // This request is answered: the batch's next part (or its end).
        send();
      } else arm();
    });
    // The item being analysed when the thread failed is said unanalysed; the rest go to a new thread.
    const lost = (why: string) => {
      if (worker !== w) return;
      retire(why);
      skipCurrent();
    };
    w.on('error', (err) => lost(`the analysis thread failed: ${err.message}`));
    w.on('exit', () => lost('the analysis thread stopped'));
    w.unref();
    return w;
  };

  /** Starts the deadline of the item the thread is on now. */
  function arm(): void {
    const r = running;
    if (!r) return;
    clearTimeout(r.timer);
    const [command, workspace] = r.batch.items[r.batch.done] as [string, string];
    const ms = deadlineMs(command.length + workspace.length);
    r.timer = setTimeout(() => {
      retire(`an analysis did not finish within ${Math.round(ms)} ms`);
      skipCurrent();
    }, ms);
  }

  /** Says the current item unanalysed and sends the rest of its batch to a new thread. */
  function skipCurrent(): void {
    const r = running;
    if (!r) return;
    r.batch.out[r.batch.done++] = unanalysedFacts();
    send();
  }

  /** Sends what is left of the running batch (to a new thread when the last one was retired). */
  function send(): void {
    const r = running;
    if (!r) return;
    clearTimeout(r.timer);
    if (r.batch.done >= r.batch.items.length) {
      running = undefined;
      r.batch.resolve(r.batch.out);
      next();
      return;
    }
    worker ??= spawn();
    // Items already answered are not sent again: the request starts where the batch stands, and holds a part
    // of it (a whole large batch, copied to the thread at once, ran its heap out of memory on receipt).
    const start = r.batch.done;
    let end = start;
    for (let chars = 0; end < r.batch.items.length && end - start < MAX_ITEMS_PER_REQUEST; end++) {
      const [command, workspace] = r.batch.items[end] as [string, string];
      chars += command.length + workspace.length;
      if (chars > MAX_CHARS_PER_REQUEST && end > start) break;
    }
    running = { batch: r.batch, id: nextId++, start, end };
    worker.postMessage({
      id: running.id,
      items: r.batch.items.slice(start, end),
    } satisfies FactsThreadRequest);
    arm();
  }

  function next(): void {
    if (running) return;
    const batch = line.shift();
    if (!batch) return;
    running = { batch, id: 0, start: 0, end: 0 };
    send();
  }

  return {
    /** Facts of each (command, workspace), in order. */
    analyse(items: [string, string][]): Promise<CommandFacts[]> {
      if (items.length === 0) return Promise.resolve([]);
      return new Promise<CommandFacts[]>((resolve, reject) => {
        line.push({ items, out: [], done: 0, resolve, reject });
        next();
      });
    },
    /** Threads replaced so far (deadlines, failures, grammar retired). */
    stats: () => ({ replaced, waiting: line.length, running: running !== undefined }),
    /** Rejects what waits and ends the thread; a later `analyse` starts a new one. */
    async stop(): Promise<void> {
      const stopping = new Error('the analyzer is stopping');
      for (const b of line.splice(0)) b.reject(stopping);
      const r = running;
      running = undefined;
      if (r) {
        clearTimeout(r.timer);
        r.batch.reject(stopping);
      }
      await endWorker();
    },
  };
}
export type FactsThreads = ReturnType<typeof createFactsThreads>;
