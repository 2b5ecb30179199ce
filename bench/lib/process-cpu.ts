import { readdirSync, readFileSync } from 'node:fs';

/**
 * CPU time a process has used (Linux /proc, clock ticks of 10 ms), and the part of it on Node's own threads: the
 * main thread, worker threads, V8's helpers and libuv's pool are all named `node`; the embedded engine names
 * its threads (QueryPipelineEx, MergeMutate, …). The process total counts threads that have exited too, so the
 * engine's share is the total minus Node's (Node's threads live as long as the process).
 */
export interface ProcessCpu {
  totalMs: number;
  nodeMs: number;
  /** Of nodeMs: the main thread (its task id is the process id). */
  mainMs: number;
  /** Of nodeMs: Node threads at a lowered priority (the ingest workers, collector/ingest/thread-priority.ts). */
  nicedMs: number;
}

const TICK_MS = 10;

/** utime + stime of one /proc stat line, in ms (fields 14 and 15, counted after the parenthesised name). */
function statMs(line: string): { name: string; ms: number; nice: number } {
  const open = line.indexOf('(');
  const close = line.lastIndexOf(')');
  const fields = line.slice(close + 2).split(' ');
  // fields[0] is field 3 (state): utime is field 14, stime field 15, nice field 19.
  return {
    name: line.slice(open + 1, close),
    ms: (Number(fields[11]) + Number(fields[12])) * TICK_MS,
    nice: Number(fields[16]),
  };
}

export function processCpu(pid: number): ProcessCpu | undefined {
  try {
    const totalMs = statMs(readFileSync(`/proc/${pid}/stat`, 'utf8')).ms;
    let nodeMs = 0;
    let mainMs = 0;
    let nicedMs = 0;
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      try {
        const t = statMs(readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8'));
        if (t.name !== 'node') continue;
        nodeMs += t.ms;
        if (Number(tid) === pid) mainMs += t.ms;
        else if (t.nice > 0) nicedMs += t.ms;
      } catch {
        // the thread ended meanwhile: its time is in the total
      }
    }
    return { totalMs, nodeMs, mainMs, nicedMs };
  } catch {
    return undefined;
  }
}

/**
 * CPU used between two readings, per record, in µs: all of it, Node's threads (of which the main thread, the
 * lowered-priority workers, and the rest: V8's helpers and libuv's pool, on which chDB runs its statements, so
 * part of the engine's work lands there), the engine's named threads.
 */
export function cpuPerRecord(
  before: ProcessCpu | undefined,
  after: ProcessCpu | undefined,
  records: number,
):
  | { totalUs: number; nodeUs: number; engineUs: number; mainUs: number; workersUs: number; poolUs: number }
  | undefined {
  if (!before || !after || records <= 0) return undefined;
  const us = (ms: number) => (ms * 1000) / records;
  const total = after.totalMs - before.totalMs;
  const node = after.nodeMs - before.nodeMs;
  const main = after.mainMs - before.mainMs;
  const workers = after.nicedMs - before.nicedMs;
  return {
    totalUs: us(total),
    nodeUs: us(node),
    engineUs: us(total - node),
    mainUs: us(main),
    workersUs: us(workers),
    poolUs: us(node - main - workers),
  };
}
