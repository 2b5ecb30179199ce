import { type AgentEvent, EVENT_KINDS } from '../schema/index.js';
import { RowBinaryReader } from './rowbinary/reader.js';
import { clickhouseTimeToIso } from './rows/common.js';

/**
 * The columns scoring reads, in RowBinary order: no raw attributes (they hold tool output and dominate the row),
 * no trace ids, host or version. Times as text so they become Ward's canonical ISO with one replace.
 */
export const SCORE_SELECT = `event_id, toString(time), toString(agent), session_id, user_id, repo, cwd, toString(kind),
  toString(event_name), toString(tool), call_id, command, target, toString(decision), toString(decision_source),
  exit_code, duration_ms, bytes_in, bytes_out, success, arrayMap(x -> toString(x), missing),
  toString(ingested_at)`;

const KINDS = new Set<string>(EVENT_KINDS);

/** An event with the time the store received it (the analyzer's watermark runs on ingest time). */
export interface IngestedEvent {
  event: AgentEvent;
  ingestedAt: string;
}

/** Decodes a RowBinary result of `SELECT ${SCORE_SELECT}` into events (fields scoring does not read are empty). */
export function decodeScoreRows(buf: Buffer): IngestedEvent[] {
  const r = new RowBinaryReader(buf);
  const out: IngestedEvent[] = [];
  const int32 = () => r.int32();
  const f64 = () => r.float64();
  const u64 = () => r.uint64();
  const bool = () => r.uint8() !== 0;
  // Ingest and event times repeat across a batch's rows: convert each distinct text once.
  let lastIngestRaw = '';
  let lastIngest = '';
  while (!r.done()) {
    const event_id = r.string();
    const time = clickhouseTimeToIso(r.string());
    const agent = r.lowCardinality();
    const session_id = r.lowCardinality();
    const user_id = r.lowCardinality();
    const repo = r.lowCardinality();
    const cwd = r.lowCardinality();
    const kind = r.lowCardinality();
    const event_name = r.lowCardinality();
    const tool = r.lowCardinality();
    const call_id = r.string();
    const command = r.string();
    const target = r.string();
    const decision = r.lowCardinality();
    const decision_source = r.lowCardinality();
    const exit_code = r.nullable(int32);
    const duration_ms = r.nullable(f64);
    const bytes_in = r.nullable(u64);
    const bytes_out = r.nullable(u64);
    const success = r.nullable(bool);
    const missing = r.strings();
    const ingestRaw = r.lowCardinality();
    if (ingestRaw !== lastIngestRaw) {
      lastIngestRaw = ingestRaw;
      lastIngest = clickhouseTimeToIso(ingestRaw);
    }
    out.push({
      event: {
        event_id,
        time,
        agent,
        agent_version: '',
        session_id,
        user_id,
        host: '',
        repo,
        cwd,
        kind: KINDS.has(kind) ? (kind as AgentEvent['kind']) : 'other',
        event_name,
        tool,
        call_id,
        command,
        target,
        decision: decision as AgentEvent['decision'],
        decision_source,
        exit_code,
        duration_ms,
        bytes_in,
        bytes_out,
        success,
        trace_id: '',
        span_id: '',
        raw_table: '',
        raw_time: time,
        attributes: {},
        missing,
      },
      ingestedAt: lastIngest,
    });
  }
  return out;
}
