import { readFileSync } from 'node:fs';

/**
 * CPU time the calling thread has used (ms, Linux: /proc/thread-self/stat, 10 ms ticks), or undefined elsewhere.
 * Node 20 has no per-thread CPU clock; process.cpuUsage counts every thread.
 */
export function threadCpuMs(): number | undefined {
  try {
    const stat = readFileSync('/proc/thread-self/stat', 'utf8');
    // After the command name in parentheses: state is the first field; utime and stime the 12th and 13th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? ticks * 10 : undefined;
  } catch {
    return undefined;
  }
}
