import { readdirSync, readFileSync } from 'node:fs';
import { setPriority } from 'node:os';

// The engine's own background threads: part merges and mutations, and the schedule pools that start them.
const BACKGROUND = /^(?:MergeMutate|BgSchPool|BgMBSchPool|BgStrmSchPool|BgDistSchPool|BgBufSchPool)/;

/**
 * Lowers the OS priority of the engine's background threads (merges) in this process, once each (Linux:
 * /proc/self/task). Ingest threads run niced so that approvals and hooks get the CPU first; merges left at
 * the normal priority would then also take the CPU ahead of ingest. Best effort: elsewhere nothing changes.
 * Returns how many threads it lowered this time.
 */
export function lowerEngineBackgroundThreads(nice: number, done: Set<number>): number {
  let n = 0;
  let tasks: string[];
  try {
    tasks = readdirSync('/proc/self/task');
  } catch {
    return 0;
  }
  for (const t of tasks) {
    const tid = Number(t);
    if (done.has(tid) || tid === process.pid) continue;
    try {
      const name = readFileSync(`/proc/self/task/${t}/comm`, 'utf8');
      if (!BACKGROUND.test(name)) continue;
      setPriority(tid, nice);
      done.add(tid);
      n++;
    } catch {
      // The thread ended, or the change was refused: nothing to do.
    }
  }
  return n;
}
