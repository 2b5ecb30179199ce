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
import { OtlpTooLargeError, scanProtobuf } from './scan.js';

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
