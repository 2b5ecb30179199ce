import { METRICS_MAX_AGE_MS } from './metrics-schedule.js';

/** The least time between two points the trail keeps (so it holds ~60 over the metrics' longest wait). */
const STEP_MS = 250;

/**
 * Where the watermark stood a while ago. A session's metrics may leave out the events scored within the last
 * `METRICS_MAX_AGE_MS` of the clock (analyzer/metrics-schedule.ts), and what is behind is held only in memory: a
 * restart forgets it. The loop keeps, with the watermark, its ingest time as it was at least that long before; the
 * analyzer that starts again reads the metrics of every session received since (analyzer/engine.ts `resume`).
 */
export class MetricsTrail {
  /** (clock ms, watermark ingest time), oldest first. */
  private readonly points: { at: number; ingestedAt: string }[] = [];

  /** `from`: the point a previous run kept (what its metrics may have left out starts after it), if any. */
  constructor(private from: string | null) {}

  /** Notes that the watermark reached `ingestedAt` at `now`. */
  note(ingestedAt: string, now: number): void {
    const last = this.points.at(-1);
    if (last && now - last.at < STEP_MS) return;
    this.points.push({ at: now, ingestedAt });
  }

  /**
   * The ingest time after which sessions' metrics may still be behind at `now`: where the watermark stood at least
   * the metrics' longest wait ago (null: the start, or nothing scored yet).
   */
  metricsFrom(now: number): string | null {
    let i = -1;
    while (
      i + 1 < this.points.length &&
      now - (this.points[i + 1] as { at: number }).at >= METRICS_MAX_AGE_MS
    )
      i++;
    if (i >= 0) {
      this.from = (this.points[i] as { ingestedAt: string }).ingestedAt;
      this.points.splice(0, i + 1);
    }
    return this.from;
  }
}
