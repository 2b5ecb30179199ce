/**
 * Columns whose text Ward itself writes from validated input (times, hex ids, enum names): they cannot hold
 * a secret, so the text walk skips them. Every other column is walked, so a column added later is covered
 * without anyone remembering to list it.
 */
const WARD_WRITTEN = new Set([
  'Timestamp',
  'TimeUnix',
  'StartTimeUnix',
  'TraceId',
  'SpanId',
  'ParentSpanId',
  'Duration',
  'SpanKind',
  'StatusCode',
  'Events.Timestamp',
  'Links.TraceId',
  'Links.SpanId',
  'Exemplars.TimeUnix',
  'Exemplars.SpanId',
  'Exemplars.TraceId',
]);

type Text = (s: string) => string;

/** Rewrites a Map(String, String) in place, keys as well as values (a key can carry a token too). */
function mapText(map: Record<string, string>, text: Text): void {
  const renamed: [string, string, string][] = [];
  for (const k in map) {
    const v = map[k] as string;
    const nv = v ? text(v) : v;
    const nk = text(k);
    if (nk !== k) renamed.push([k, nk, nv]);
    else if (nv !== v) map[k] = nv;
  }
  for (const [k, nk, nv] of renamed) {
    delete map[k];
    map[nk] = nv;
  }
}

function valueText(v: unknown, text: Text, seen: WeakSet<object>): unknown {
  if (typeof v === 'string') return v ? text(v) : v;
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) v[i] = valueText(v[i], text, seen);
    return v;
  }
  // Rows of one resource or scope share their attribute maps: rewrite each map once.
  if (!seen.has(v)) {
    seen.add(v);
    mapText(v as Record<string, string>, text);
  }
  return v;
}

/**
 * Passes every text of raw OTel rows through `text` (the collector's redaction) before they are encoded:
 * strings, map keys and values, arrays of strings and of maps (span events and links, exemplars), whatever
 * the table; only the columns Ward writes itself are skipped.
 */
export function rewriteRowText<T extends object>(rows: T[], text: Text): T[] {
  const seen = new WeakSet<object>();
  for (const row of rows as Record<string, unknown>[]) {
    for (const col in row) {
      if (WARD_WRITTEN.has(col)) continue;
      row[col] = valueText(row[col], text, seen);
    }
  }
  return rows;
}
