/**
 * When a session's whole-session metrics (the baselines' input) are read again. One read goes over every stored
 * row of the session, so reading it for every batch that touched it made a session flooded in small batches cost
 * the square of its size. A session is read again once it has grown by a quarter since its last read (the rows
 * read then stay within ~5 × its size), or when its last read is older than `MAX_AGE_MS` and it has new events (a
 * change in a large session, such as one large upload, reaches the baselines within that time; a session that
 * then sends nothing more is read again on the analyzer's next turn past that time all the same).
 */

/** Growth since the last read, as a share of the rows that read saw, that calls for a new read. */
export const METRICS_GROWTH = 0.25;
/** The longest a session with new events keeps metrics read before them. */
export const METRICS_MAX_AGE_MS = 15_000;

/** What the schedule keeps of one session (on its in-memory state; a session rebuilt starts anew). */
export interface MetricsReads {
  /** When its metrics were last read (ms; 0: never). */
  readAt: number;
  /** The rows that read went over. */
  rows: number;
  /** Events of the session scored since. */
  since: number;
}

export const neverRead = (): MetricsReads => ({ readAt: 0, rows: 0, since: 0 });

/** Counts `n` new events of the session; true when its metrics are to be read with this batch. */
export function metricsDue(r: MetricsReads, n: number, now: number): boolean {
  r.since += n;
  if (r.readAt === 0) return true;
  if (r.since === 0) return false;
  return r.since >= Math.max(1, METRICS_GROWTH * r.rows) || metricsOverdue(r, now);
}

/** Whether a session read before left events out of its metrics long enough ago to be read again without new ones. */
export function metricsOverdue(r: MetricsReads, now: number): boolean {
  return r.readAt > 0 && r.since > 0 && now - r.readAt >= METRICS_MAX_AGE_MS;
}

/** Notes a read made at `now` that went over `rows` rows. */
export function noteMetricsRead(r: MetricsReads, rows: number, now: number): void {
  r.readAt = now;
  r.rows = rows;
  r.since = 0;
}
