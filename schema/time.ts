/**
 * Ward's canonical time text: ISO 8601 UTC with exactly nine fraction digits
 * (2026-11-26T10:00:00.123456789Z), the precision OTLP carries and ClickHouse's DateTime64(9) keeps.
 */
export function nanosToIso(nanos: string): string {
  const digits = /^\d+$/.test(nanos) ? nanos.replace(/^0+(?=\d)/, '') : '0';
  const padded = digits.padStart(10, '0');
  const seconds = Number(padded.slice(0, -9));
  const fraction = padded.slice(-9);
  const date = new Date(seconds * 1000);
  if (Number.isNaN(date.getTime())) return '1970-01-01T00:00:00.000000000Z';
  return `${date.toISOString().slice(0, 19)}.${fraction}Z`;
}

/** A Date (or ISO text with any precision) in the canonical nine-digit form. */
export function toCanonicalIso(t: Date | string): string {
  if (typeof t !== 'string') return `${t.toISOString().slice(0, 23)}000000Z`;
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?Z$/.exec(t);
  if (m) return `${m[1]}.${(m[2] ?? '').padEnd(9, '0')}Z`;
  const d = new Date(t);
  if (Number.isNaN(d.getTime())) throw new RangeError(`not a date-time: ${t}`);
  return toCanonicalIso(d);
}
