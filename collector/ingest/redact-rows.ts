import type { Redactor } from '../../schema/fast.js';

const MAP_COLUMNS = [
  'ResourceAttributes',
  'ScopeAttributes',
  'LogAttributes',
  'SpanAttributes',
  'Attributes',
] as const;

/** Redacts secrets in the raw OTel rows' text columns and attribute maps before they are stored. */
export function redactRawRows<T extends object>(rows: T[], redactor: Redactor): T[] {
  // Rows of one resource/scope share their attribute maps: redact each map once.
  const seen = new WeakSet<object>();
  for (const row of rows as Record<string, unknown>[]) {
    if (typeof row.Body === 'string' && row.Body) row.Body = redactor.text(row.Body);
    if (typeof row.StatusMessage === 'string' && row.StatusMessage)
      row.StatusMessage = redactor.text(row.StatusMessage);
    for (const col of MAP_COLUMNS) {
      const map = row[col] as Record<string, string> | undefined;
      if (!map || seen.has(map)) continue;
      seen.add(map);
      for (const k in map) {
        const v = map[k] as string;
        if (v) map[k] = redactor.text(v);
      }
    }
    const events = row['Events.Attributes'] as Record<string, string>[] | undefined;
    if (events) for (const m of events) for (const k in m) m[k] = redactor.text(m[k] as string);
  }
  return rows;
}
