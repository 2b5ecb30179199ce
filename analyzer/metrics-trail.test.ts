import { describe, expect, it } from 'vitest';
import { METRICS_MAX_AGE_MS } from './metrics-schedule.js';
import { MetricsTrail } from './metrics-trail.js';

const t = (s: number) => new Date(Date.UTC(2026, 11, 7, 7, 0, s)).toISOString();

describe('where the watermark stood a while ago', () => {
  it('is what the run before kept until this run has scored for the metrics’ longest wait', () => {
    const trail = new MetricsTrail(t(1));
    trail.note(t(10), 1_000);
    trail.note(t(20), 5_000);
    expect(trail.metricsFrom(5_000)).toBe(t(1));
    expect(trail.metricsFrom(1_000 + METRICS_MAX_AGE_MS - 1)).toBe(t(1));
  });

  it('then is the watermark of the newest point at least that old', () => {
    const trail = new MetricsTrail(null);
    trail.note(t(10), 1_000);
    trail.note(t(20), 5_000);
    trail.note(t(30), 9_000);
    expect(trail.metricsFrom(1_000 + METRICS_MAX_AGE_MS)).toBe(t(10));
    expect(trail.metricsFrom(5_000 + METRICS_MAX_AGE_MS + 1)).toBe(t(20));
    // Nothing newer is old enough yet: it stays.
    expect(trail.metricsFrom(5_000 + METRICS_MAX_AGE_MS + 2)).toBe(t(20));
    expect(trail.metricsFrom(60_000)).toBe(t(30));
  });

  it('is null on a first start until a point is old enough', () => {
    const trail = new MetricsTrail(null);
    trail.note(t(10), 1_000);
    expect(trail.metricsFrom(2_000)).toBeNull();
  });

  it('keeps a point at most every 250 ms, the earlier one (so it errs towards reading more sessions)', () => {
    const trail = new MetricsTrail(null);
    for (let i = 0; i < 10_000; i++) trail.note(t(i % 60), 1_000 + i);
    // 10,000 notes in 10 s: ~40 points kept, and the one kept for 1,000 ms is the first watermark then.
    expect(trail.metricsFrom(1_000 + METRICS_MAX_AGE_MS)).toBe(t(0));
    expect(trail.metricsFrom(1_249 + METRICS_MAX_AGE_MS)).toBe(t(0));
  });
});
