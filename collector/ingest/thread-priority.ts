import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';

/**
 * Lowers the OS scheduling priority of the calling thread only (Linux: /proc/thread-self names its task id).
 * Ingest workers call it so that on a busy machine the thread that answers approvals and hooks gets the CPU
 * first; ingest takes what is left. Best effort: elsewhere, or when refused, nothing changes.
 */
export function lowerThisThreadPriority(nice: number): boolean {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (!Number.isInteger(tid) || tid === process.pid) return false; // never the main thread
    setPriority(tid, nice);
    return true;
  } catch {
    return false;
  }
}
