import type { OtlpSignal } from '../../schema/fast.js';
import { OtlpDecodeError } from './errors.js';

/**
 * A pass over the encoded body, before any decoder allocates: counts the values a decode would create
 * (messages, fields, array elements) and the records (log records, spans, data points), failing with
 * OtlpTooLargeError (413) as soon as one passes its limit. An empty log record is 2 bytes on the wire and
 * `{},` 3 bytes of JSON: without this, a 4 KiB gzip body became millions of objects and a gigabyte of heap.
 */

/** A body whose decoded size passes a limit (answered 413: an exporter does not retry it as is). */
export class OtlpTooLargeError extends OtlpDecodeError {}

export interface ScanLimits {
  maxRecords: number;
  maxValues: number;
  maxDepth: number;
}

// Per message type: field number -> child type. `R` marks the record types. Packed numeric fields say how
// their elements are encoded (f64 = 8 bytes each, varint = one per byte under 0x80).
type Packed = 'f64' | 'varint';
interface Msg {
  record?: true;
  /** AnyValue: its array/kvlist children are one nesting level deeper. */
  nests?: true;
  fields: Record<number, string>;
  packed?: Record<number, Packed>;
}
const M: Record<string, Msg> = {
  logs: { fields: { 1: 'resourceLogs' } },
  resourceLogs: { fields: { 1: 'resource', 2: 'scopeLogs' } },
  scopeLogs: { fields: { 1: 'scope', 2: 'logRecord' } },
  logRecord: { record: true, fields: { 5: 'anyValue', 6: 'keyValue' } },
  traces: { fields: { 1: 'resourceSpans' } },
  resourceSpans: { fields: { 1: 'resource', 2: 'scopeSpans' } },
  scopeSpans: { fields: { 1: 'scope', 2: 'span' } },
  span: { record: true, fields: { 9: 'keyValue', 11: 'spanEvent', 13: 'spanLink', 15: 'leaf' } },
  spanEvent: { fields: { 3: 'keyValue' } },
  spanLink: { fields: { 4: 'keyValue' } },
  metrics: { fields: { 1: 'resourceMetrics' } },
  resourceMetrics: { fields: { 1: 'resource', 2: 'scopeMetrics' } },
  scopeMetrics: { fields: { 1: 'scope', 2: 'metric' } },
  metric: { fields: { 5: 'gauge', 7: 'gauge', 9: 'histogram', 10: 'expHistogram', 11: 'summary' } },
  gauge: { fields: { 1: 'numberPoint' } },
  histogram: { fields: { 1: 'histogramPoint' } },
  expHistogram: { fields: { 1: 'expPoint' } },
  summary: { fields: { 1: 'summaryPoint' } },
  numberPoint: { record: true, fields: { 7: 'keyValue', 5: 'exemplar' } },
  histogramPoint: {
    record: true,
    fields: { 9: 'keyValue', 8: 'exemplar' },
    packed: { 6: 'f64', 7: 'f64' },
  },
  expPoint: { record: true, fields: { 1: 'keyValue', 11: 'exemplar', 8: 'buckets', 9: 'buckets' } },
  buckets: { fields: {}, packed: { 2: 'varint' } },
  summaryPoint: { record: true, fields: { 7: 'keyValue', 6: 'leaf' } },
  exemplar: { fields: { 7: 'keyValue' } },
  resource: { fields: { 1: 'keyValue' } },
  scope: { fields: { 3: 'keyValue' } },
  keyValue: { fields: { 2: 'anyValue' } },
  anyValue: { nests: true, fields: { 5: 'arrayValue', 6: 'kvList' } },
  arrayValue: { fields: { 1: 'anyValue' } },
  kvList: { fields: { 1: 'keyValue' } },
  leaf: { fields: {} },
};
const ROOT: Record<OtlpSignal, string> = { logs: 'logs', traces: 'traces', metrics: 'metrics' };

class Scanner {
  records = 0;
  values = 0;
  constructor(
    private readonly b: Uint8Array,
    private readonly limits: ScanLimits,
  ) {}

  private bad(why: string): never {
    throw new OtlpDecodeError(`invalid protobuf: ${why}`);
  }

  private count(n: number): void {
    this.values += n;
    if (this.values > this.limits.maxValues)
      throw new OtlpTooLargeError(
        `request decodes to more than ${this.limits.maxValues} values: split it into smaller requests`,
      );
  }

  private varint(pos: { p: number }, end: number): number {
    let shift = 0;
    let out = 0;
    for (;;) {
      if (pos.p >= end) this.bad('truncated varint');
      const byte = this.b[pos.p++] as number;
      if (shift < 49) out += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return out;
      shift += 7;
      if (shift > 63) this.bad('varint longer than 10 bytes');
    }
  }

  message(type: string, start: number, end: number, depth: number): void {
    const m = M[type] as Msg;
    if (m.record) {
      this.records++;
      if (this.records > this.limits.maxRecords)
        throw new OtlpTooLargeError(
          `request holds more than ${this.limits.maxRecords} records: split it into smaller requests`,
        );
    }
    this.count(1);
    const pos = { p: start };
    while (pos.p < end) {
      const tag = this.varint(pos, end);
      const field = Math.floor(tag / 8);
      const wire = tag & 7;
      if (field === 0) this.bad('field number 0');
      this.count(1);
      switch (wire) {
        case 0:
          this.varint(pos, end);
          break;
        case 1:
          pos.p += 8;
          break;
        case 5:
          pos.p += 4;
          break;
        case 2: {
          const len = this.varint(pos, end);
          const from = pos.p;
          pos.p += len;
          if (pos.p > end) this.bad('length past the end of its message');
          const child = m.fields[field];
          if (child !== undefined) {
            const d = m.nests ? depth + 1 : depth;
            if (d > this.limits.maxDepth)
              throw new OtlpDecodeError(`value nested deeper than ${this.limits.maxDepth} levels`);
            this.message(child, from, pos.p, d);
          } else {
            const packed = m.packed?.[field];
            if (packed === 'f64') this.count(len >> 3);
            else if (packed === 'varint') {
              let n = 0;
              for (let i = from; i < pos.p; i++) if ((this.b[i] as number) < 0x80) n++;
              this.count(n);
            }
          }
          break;
        }
        case 3:
          this.skipGroup(pos, end, field);
          break;
        default:
          this.bad(`wire type ${wire}`);
      }
      if (pos.p > end) this.bad('field past the end of its message');
      if (wire !== 2 && m.fields[field] !== undefined) this.bad(`field ${field} of ${type} is not a message`);
    }
  }

  private skipGroup(pos: { p: number }, end: number, field: number): void {
    const open = [field];
    while (open.length > 0) {
      const tag = this.varint(pos, end);
      const wire = tag & 7;
      this.count(1);
      if (wire === 4) {
        if (Math.floor(tag / 8) !== open.pop()) this.bad('mismatched end group');
        continue;
      }
      if (wire === 3) open.push(Math.floor(tag / 8));
      else if (wire === 0) this.varint(pos, end);
      else if (wire === 1) pos.p += 8;
      else if (wire === 5) pos.p += 4;
      else if (wire === 2) pos.p += this.varint(pos, end);
      else this.bad(`wire type ${wire}`);
      if (pos.p > end) this.bad('group past the end of its message');
    }
  }
}

/** Counts a protobuf ExportXServiceRequest's records and values; throws before anything is allocated. */
export function scanProtobuf(signal: OtlpSignal, body: Uint8Array, limits: ScanLimits): number {
  const s = new Scanner(body, limits);
  s.message(ROOT[signal], 0, body.length, 0);
  return s.records;
}

/**
 * Counts the values of a JSON body (each `{`, `[` and `,` outside strings opens or separates one) and its
 * nesting, before JSON.parse allocates them. Records are counted after the parse (bounded by this).
 */
export function scanJson(text: string, limits: ScanLimits): void {
  let values = 0;
  let depth = 0;
  // JSON nesting: the OTLP envelope (about 12 levels) plus two per attribute value level.
  const maxDepth = 16 + 3 * limits.maxDepth;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) {
      // Skip the string: to the next quote not escaped by a backslash.
      for (i++; i < n; i++) {
        const d = text.charCodeAt(i);
        if (d === 92) i++;
        else if (d === 34) break;
      }
    } else if (c === 123 || c === 91) {
      values++;
      if (++depth > maxDepth) throw new OtlpDecodeError(`JSON nested deeper than ${maxDepth} levels`);
    } else if (c === 125 || c === 93) depth--;
    else if (c === 44) values++;
    else continue;
    if (values > limits.maxValues)
      throw new OtlpTooLargeError(
        `request decodes to more than ${limits.maxValues} values: split it into smaller requests`,
      );
  }
}
