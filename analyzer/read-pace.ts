/**
 * Reads that go over the whole fleet (every session's metrics, the count of sessions and tokens) grow with the
 * store, not with the batch. However often their results would be worth refreshing, one is made again only after
 * `PACE` times as long as the last took, so together they never hold more than a small share of the store's time.
 */
export const PACE = 20;

/** Whether a read last made at `at` (ms) that took `tookMs` is to be made again at `now`, at most every `minMs`. */
export function readAgain(at: number, tookMs: number, minMs: number, now: number): boolean {
  return now - at >= Math.max(minMs, PACE * tookMs);
}
