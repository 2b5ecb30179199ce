import { type OtlpAttributes, type OtlpResource, type OtlpValue, valueToString } from '../../schema/fast.js';

/**
 * Nanoseconds-since-epoch decimal string → DateTime64(9) text input ("seconds.fraction"), lossless. Seconds
 * are padded to ten digits: best-effort parsing reads fewer (an unset "0.000000000" span event or metric
 * start time) as a broken date, and the insert, retried and spooled, then failed for good.
 */
export function nanosToDateTime64(nanos: string): string {
  const s = nanos.length >= 19 ? nanos : nanos.padStart(19, '0');
  return `${s.slice(0, -9)}.${s.slice(-9)}`;
}

export function attributesToMap(attrs: OtlpAttributes): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key in attrs) out[key] = valueToString(attrs[key] as OtlpValue);
  return out;
}

export function serviceName(resource: OtlpResource): string {
  const v = resource.attributes['service.name'];
  return typeof v === 'string' ? v : '';
}

/** ClickHouse DateTime64 text ("2026-11-26 10:00:00.123456789") → ISO 8601 UTC. */
export function clickhouseTimeToIso(t: string): string {
  return t.includes('T') ? t : `${t.replace(' ', 'T')}Z`;
}

/** ClickHouse returns (U)Int64 as strings; nullable numbers as null. */
export function toNumberOrNull(v: unknown): number | null {
  if (v === null || v === undefined) return null;
  const n = typeof v === 'number' ? v : Number(v);
  return Number.isFinite(n) ? n : null;
}
