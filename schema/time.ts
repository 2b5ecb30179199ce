/**
 * Ward's canonical time text: ISO 8601 UTC with exactly nine fraction digits
 * (2026-11-26T10:00:00.123456789Z), the precision OTLP carries and ClickHouse's DateTime64(9) keeps.
 * (OTLP nanosecond text is converted by the collector's normalize/time.ts.)
 *
 * A Date (or ISO text with any precision) in the canonical nine-digit form.
 */
export function toCanonicalIso(t: Date | string): string {
  if (typeof t !== 'string') return `${t.toISOString().slice(0, 23)}000000Z`;
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?Z$/.exec(t);
  if (m) return `${m[1]}.${(m[2] ?? '').padEnd(9, '0')}Z`;
  const d = new Date(t);
  if (Number.isNaN(d.getTime())) throw new RangeError(`not a date-time: ${t}`);
  return toCanonicalIso(d);
}
