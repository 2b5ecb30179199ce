/** DateTime64(9) text as Ward's rows carry it → Int64 nanosecond ticks, exact (no float on the way). */

const SECONDS_DOT_NANOS = /^(\d+)\.(\d{9})$/;
const CANONICAL_ISO = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\.(\d{9})Z$/;

/** "seconds.nanos" (store/rows/common.ts nanosToDateTime64) → ticks. */
export function secondsDotNanosToTicks(t: string): bigint {
  const m = SECONDS_DOT_NANOS.exec(t);
  if (!m) throw new RangeError(`not a seconds.nanos time: ${t}`);
  return BigInt(m[1] as string) * 1_000_000_000n + BigInt(m[2] as string);
}

/** Canonical ISO with nine fraction digits (schema/time.ts toCanonicalIso) → ticks. */
export function isoToTicks(t: string): bigint {
  const m = CANONICAL_ISO.exec(t);
  if (!m) throw new RangeError(`not a canonical ISO time: ${t}`);
  // Events of one request mostly share their second: convert the date part once.
  const prefix = t.slice(0, 19);
  if (prefix !== lastPrefix) {
    lastSeconds = secondsOf(m, t);
    lastPrefix = prefix;
  }
  return lastSeconds * 1_000_000_000n + BigInt(m[7] as string);
}

let lastPrefix = '';
let lastSeconds = 0n;

function secondsOf(m: RegExpExecArray, t: string): bigint {
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  // setUTCFullYear, unlike Date.UTC, keeps years below 100 as written.
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(hour, minute, second, 0);
  if (
    d.getUTCMonth() !== month - 1 ||
    d.getUTCDate() !== day ||
    d.getUTCHours() !== hour ||
    minute > 59 ||
    second > 59
  )
    throw new RangeError(`not a date-time: ${t}`);
  return BigInt(d.getTime() / 1000);
}
