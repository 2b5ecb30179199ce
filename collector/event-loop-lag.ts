import { monitorEventLoopDelay } from 'node:perf_hooks';

export interface LagMs {
  p50: number;
  p99: number;
  max: number;
}

/**
 * The main thread's event-loop lag over 10 s windows, for /healthz: the last full window and the current one,
 * whichever is worse (p50 from the current one).
 */
export function createLagMonitor(windowMs = 10_000) {
  const lag = monitorEventLoopDelay({ resolution: 10 });
  lag.enable();
  const current = (): LagMs => ({
    p50: lag.percentile(50) / 1e6,
    p99: lag.percentile(99) / 1e6,
    max: lag.max / 1e6,
  });
  let last: LagMs = { p50: 0, p99: 0, max: 0 };
  const timer = setInterval(() => {
    last = current();
    lag.reset();
  }, windowMs);
  timer.unref();
  return {
    now(): LagMs {
      const c = current();
      return { p50: c.p50, p99: Math.max(c.p99, last.p99), max: Math.max(c.max, last.max) };
    },
    stop(): void {
      clearInterval(timer);
      lag.disable();
    },
  };
}
