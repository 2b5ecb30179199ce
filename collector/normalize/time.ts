/** Nanosecond timestamps (decimal strings, they overflow a double) to ISO 8601 UTC with 9 fraction digits. */

const EPOCH_ISO = '1970-01-01T00:00:00.000000000Z';
const DIGITS = /^\d+$/;
const MAX_MS = Date.UTC(2262, 3, 11);
// Records of one export mostly share their second: the formatted prefix is reused.
let lastSeconds = '';
let lastPrefix = '';

/** True for a usable timestamp: digits, not all zeros. */
export function isSetNanos(nanos: string | undefined): nanos is string {
  return nanos !== undefined && nanos !== '' && nanos !== '0' && DIGITS.test(nanos) && !/^0+$/.test(nanos);
}

/** "1795731649706526730" → "2026-11-26T22:20:49.706526730Z" without float loss. Unset → the epoch. */
export function nanosToIso(nanos: string): string {
  if (!isSetNanos(nanos)) return EPOCH_ISO;
  const padded = nanos.length > 9 ? nanos : nanos.padStart(10, '0');
  const secondsText = padded.slice(0, -9);
  if (secondsText !== lastSeconds) {
    const date = new Date(Number(secondsText) * 1000);
    if (Number.isNaN(date.getTime())) return EPOCH_ISO;
    // toISOString gives YYYY-MM-DDTHH:MM:SS.000Z; the fraction is replaced by the nanosecond digits.
    lastSeconds = secondsText;
    lastPrefix = date.toISOString().slice(0, -4);
  }
  return `${lastPrefix}${padded.slice(-9)}Z`;
}

/** An ISO 8601 string with up to nanosecond digits (e.g. Codex's event.timestamp) → nanos, or null. */
export function isoToNanos(iso: string): string | null {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/.exec(iso);
  if (!m) return null;
  const ms = Date.parse(`${m[1]}${m[3]}`);
  // DateTime64(9) ends in 2262: a later time is no time (the ingest time rule then uses the record's).
  if (Number.isNaN(ms) || ms < 0 || ms >= MAX_MS) return null;
  const fraction = (m[2] ?? '').padEnd(9, '0');
  return `${ms / 1000}${fraction}`.replace(/^0+(?=\d)/, '');
}

/** Nanoseconds between two timestamps as milliseconds (null if either is unset or end < start). */
export function nanosDiffMs(start: string, end: string): number | null {
  if (!isSetNanos(start) || !isSetNanos(end)) return null;
  const d = BigInt(end) - BigInt(start);
  return d < 0n ? null : Number(d) / 1e6;
}
