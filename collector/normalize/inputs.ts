import type { OtlpAttributes, OtlpLogRecord, OtlpSpan } from '../../schema/index.js';
import type { Draft } from './build.js';

/** One log record as a per-agent normalizer sees it. */
export interface LogInput {
  /** The event name (Claude Code: the full `claude_code.<event>`); '' when the record has none. */
  eventName: string;
  record: OtlpLogRecord;
  attrs: OtlpAttributes;
}

/** One span with the other spans of the same request (to read a parent's attributes). */
export interface SpanInput {
  span: OtlpSpan;
  attrs: OtlpAttributes;
  spansById: ReadonlyMap<string, OtlpSpan>;
}

/** Drafts for a recognised record; null when the normalizer does not know it (the generic rule applies). */
export type LogNormalizer = (input: LogInput) => Draft[] | null;
export type SpanNormalizer = (input: SpanInput) => Draft[] | null;
