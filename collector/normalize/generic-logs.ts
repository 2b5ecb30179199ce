import { valueToString } from '../../schema/fast.js';
import type { OtlpLogRecord } from '../../schema/index.js';
import { OTEL } from '../../schema/index.js';
import type { Draft } from './build.js';
import { hasGenAiAttributes } from './genai-spans.js';
import type { LogInput } from './inputs.js';

/** Record.eventName is a name only when it looks like one (Codex puts a source location there). */
const NAME_LIKE = /^[A-Za-z0-9_.:-]+$/;

/** A log record's event name: the event.name attribute, else the record's EventName field if name-like. */
export function logEventName(record: OtlpLogRecord): string {
  const attr = record.attributes[OTEL.eventName];
  if (typeof attr === 'string' && attr !== '') return attr;
  return NAME_LIKE.test(record.eventName) ? record.eventName : '';
}

/**
 * Any log not claimed by an agent normalizer. Events (named, or carrying gen_ai.* attributes) are kept
 * as `other` with their attributes and body; plain application logs without either produce no event
 * (they stay in otel_logs). Known agents' plain diagnostic logs (Codex "flushing OTEL metrics") too.
 */
export function normalizeGenericLog({ eventName, record, attrs }: LogInput): Draft[] {
  if (eventName === '' && !hasGenAiAttributes(attrs)) return [];
  const body = valueToString(record.body);
  return [
    {
      kind: 'other',
      event_name: eventName || record.severityText || 'log',
      extra: body !== '' && body !== eventName ? { 'log.body': body } : undefined,
    },
  ];
}
