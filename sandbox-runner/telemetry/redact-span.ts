import type { Redactor } from '../../schema/fast.js';
import type { AttrValue, CommandSpanRecord } from './span-record.js';

function redactValue(v: AttrValue, r: Redactor): AttrValue {
  if (typeof v === 'string') return r.text(v);
  if (Array.isArray(v)) return v.map((x) => r.text(x));
  return v;
}

function redactAttributes(attrs: Record<string, AttrValue>, r: Redactor): Record<string, AttrValue> {
  const out: Record<string, AttrValue> = {};
  for (const [k, v] of Object.entries(attrs)) out[k] = redactValue(v, r);
  return out;
}

/**
 * The span with secrets in its text (command lines, argv, paths, details) replaced by markers, before it is
 * spooled to disk or sent: the same redaction the collector applies, so nothing Ward writes holds a secret.
 */
export function redactSpanRecord(record: CommandSpanRecord, r: Redactor): CommandSpanRecord {
  return {
    ...record,
    attributes: redactAttributes(record.attributes, r),
    events: record.events.map((e) => ({ ...e, attributes: redactAttributes(e.attributes, r) })),
  };
}
