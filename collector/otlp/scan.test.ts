import { describe, expect, it } from 'vitest';
import {
  deepKvlist,
  emptyGaugePoints,
  emptyLogRecords,
  emptySpans,
  hugeAttributeArray,
  jsonEmptyRecords,
  jsonNumberArray,
  manyAttributes,
  packedBuckets,
} from '../../test/helpers/hostile-bodies.js';
import { decodeLogs, decodeMetrics, decodeTraces } from './decode.js';
import { OtlpDecodeError } from './errors.js';
import { closingQuote, OtlpTooLargeError, scanProtobuf } from './scan.js';

const LIMITS = { maxRecords: 1000, maxValues: 20_000, maxDepth: 32 };

describe('the wire scan refuses expansion before decoding', () => {
  it.each([
    ['empty log records', () => decodeLogs(emptyLogRecords(1001), 'protobuf', LIMITS)],
    ['empty spans', () => decodeTraces(emptySpans(1001), 'protobuf', LIMITS)],
    ['empty gauge points', () => decodeMetrics(emptyGaugePoints(1001), 'protobuf', LIMITS)],
    ['a huge attribute array', () => decodeLogs(hugeAttributeArray(20_000), 'protobuf', LIMITS)],
    ['many attributes', () => decodeLogs(manyAttributes(20_000), 'protobuf', LIMITS)],
    ['packed buckets', () => decodeMetrics(packedBuckets(20_000), 'protobuf', LIMITS)],
    ['JSON empty records', () => decodeLogs(jsonEmptyRecords(20_000), 'json', LIMITS)],
    ['JSON numbers', () => decodeLogs(jsonNumberArray(20_000), 'json', LIMITS)],
  ])('%s: 413 (OtlpTooLargeError)', (_name, decode) => {
    expect(decode).toThrow(OtlpTooLargeError);
  });

  it('counts exactly at the limit: 1000 records pass, 1001 do not', () => {
    expect(scanProtobuf('logs', emptyLogRecords(1000), LIMITS)).toBe(1000);
    expect(
      decodeLogs(emptyLogRecords(1000), 'protobuf', LIMITS).resourceLogs[0]?.scopeLogs[0]?.logRecords,
    ).toHaveLength(1000);
  });

  it('deep nesting is a 400 from the scan, not a stack overflow', () => {
    expect(() => decodeLogs(deepKvlist(2000), 'protobuf', LIMITS)).toThrow(OtlpDecodeError);
    expect(() => decodeLogs(deepKvlist(2000), 'protobuf', LIMITS)).not.toThrow(OtlpTooLargeError);
  });

  it('a length past the end or a message field sent as a varint is malformed (400)', () => {
    expect(() => scanProtobuf('logs', Buffer.from([0x0a, 0x7f, 0x00]), LIMITS)).toThrow(/past the end/);
    expect(() => scanProtobuf('logs', Buffer.from([0x08, 0x01]), LIMITS)).toThrow(/not a message/);
  });
});

describe('the JSON scan skips strings as JSON does', () => {
  /** The rule written out: a backslash escapes the next character, the first unescaped quote closes. */
  function byChars(text: string, open: number): number {
    for (let i = open + 1; i < text.length; i++) {
      const d = text.charCodeAt(i);
      if (d === 92) i++;
      else if (d === 34) return i;
    }
    return text.length;
  }

  it('finds the same closing quote as the character-by-character rule, escapes and all', () => {
    const parts = ['"', '\\', 'a', '{', ',', '\\"', '\\\\'];
    let seed = 7;
    const next = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed;
    };
    for (let n = 0; n < 20_000; n++) {
      let text = '"';
      const len = next() % 40;
      for (let k = 0; k < len; k++) text += parts[next() % parts.length];
      expect(closingQuote(text, 0), JSON.stringify(text)).toBe(byChars(text, 0));
    }
  });

  it('an escaped quote does not end the string: its commas are not counted', () => {
    const body = new TextEncoder().encode(
      `{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":{"stringValue":"a\\",${',\\"'.repeat(50)}"}}]}]}]}`,
    );
    expect(() => decodeLogs(body, 'json', { maxValues: 20 })).not.toThrow();
  });
});
