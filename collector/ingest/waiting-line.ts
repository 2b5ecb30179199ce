/**
 * Callers waiting for room in the batching writer, served first come, first served: `serve` hands room out
 * in order while `fits` says it lasts, so a steady stream of small requests cannot starve a larger one.
 */
export function createWaitingLine() {
  interface Waiter {
    rows: number;
    bytes: number;
    grant: () => void;
    refuse: (err: unknown) => void;
    timer: NodeJS.Timeout;
  }
  const line: Waiter[] = [];
  let bytes = 0;
  const leave = (w: Waiter) => {
    line.splice(line.indexOf(w), 1);
    bytes -= w.bytes;
  };
  return {
    get length(): number {
      return line.length;
    },
    /** Bytes the callers in line hold. */
    get bytes(): number {
      return bytes;
    },

    /**
     * Joins the line: resolves with `grant()` once served, or rejects with `refusal()` after `waitMs` (then
     * `onLeave` runs, as the callers behind may fit now).
     */
    join<T>(
      size: { rows: number; bytes: number },
      waitMs: number,
      grant: () => T,
      refusal: () => Error,
      onLeave: () => void,
    ): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        const w: Waiter = {
          ...size,
          grant: () => resolve(grant()),
          refuse: reject,
          timer: setTimeout(() => {
            leave(w);
            reject(refusal());
            onLeave();
          }, waitMs),
        };
        line.push(w);
        bytes += w.bytes;
      });
    },

    /** Serves callers in order while `fits`; with `closedError`, refuses every one with it. */
    serve(fits: (rows: number, bytes: number) => boolean, closedError?: () => Error): void {
      while (line.length > 0) {
        const w = line[0] as Waiter;
        if (!closedError && !fits(w.rows, w.bytes)) return;
        leave(w);
        clearTimeout(w.timer);
        if (closedError) w.refuse(closedError());
        else w.grant();
      }
    },
  };
}

/**
 * Resolves true once `ready()` holds (checked again each time a waker in `wakers` runs), false after
 * `timeoutMs`.
 */
export function whenReady(
  wakers: Set<() => void>,
  ready: () => boolean,
  timeoutMs: number,
): Promise<boolean> {
  if (ready()) return Promise.resolve(true);
  return new Promise<boolean>((resolve) => {
    const finish = (ok: boolean) => {
      clearTimeout(timer);
      wakers.delete(check);
      resolve(ok);
    };
    const check = () => {
      if (ready()) finish(true);
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    wakers.add(check);
  });
}
