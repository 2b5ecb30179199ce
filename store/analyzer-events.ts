import { type AgentEvent, EVENT_KINDS, SENDER_ATTRS, WRITE_ARGUMENTS } from '../schema/index.js';
import { RowBinaryReader } from './rowbinary/reader.js';

// ISO text made by ClickHouse: one flat string per value (the engine compares and sorts them a lot; a string
// pieced together in JS is re-flattened on every comparison).
const iso = (col: string) => `concat(replaceOne(toString(${col}), ' ', 'T'), 'Z')`;

/**
 * The columns scoring reads, in RowBinary order: no raw attributes (they hold tool output and dominate the row;
 * the sending token is a column of its own), no trace ids, host or version. Times as Ward's canonical ISO text.
 */
/**
 * The one attribute value scoring reads, in a query of its own over the batch's file writes only (the attributes
 * column dominates the row; the kind index skips granules without writes): a write's arguments, what was
 * written, at most 64 KiB (a longer value arrives cut, which its readers take as unknown). A value agent_events
 * keeps only as a reference to its raw row (over 256 characters: store/rows/elide.ts) comes with what puts it
 * back (store/analyzer-write-args.ts).
 */
export const WRITE_ARGS_SELECT = `event_id, multiIf(
    attributes['tool_input'] != '', 'tool_input',
    attributes['function_args'] != '', 'function_args',
    'arguments') AS arg_key, substring(attributes[arg_key], 1, 65536) AS args,
  mapFilter((k, v) -> k = arg_key, attributes_ref) AS ref, trace_id, span_id, raw_table, raw_time`;

/** A row of `SELECT ${WRITE_ARGS_SELECT}`. */
export interface WriteArgsRow {
  event_id: string;
  arg_key: string;
  args: string;
  ref: Record<string, string | number>;
  trace_id: string;
  span_id: string;
  raw_table: string;
  raw_time: string;
}

/**
 * The kinds of event whose arguments scoring reads: a write's (what was written) and a fetch's (what a web or MCP
 * fetch sent: a fixed URL, or data in it). Both are few among a session's events.
 */
export const ARGUMENT_KINDS: readonly string[] = ['file_write', 'network'];

/** Puts each write's or fetch's arguments (rows of `SELECT ${WRITE_ARGS_SELECT}`, put back) on its event as WRITE_ARGUMENTS. */
export function attachWriteArguments(
  events: readonly IngestedEvent[],
  rows: readonly { event_id: string; args: string }[],
): void {
  const byId = new Map(rows.filter((r) => r.args !== '').map((r) => [r.event_id, r.args]));
  for (const { event } of events) {
    const args = ARGUMENT_KINDS.includes(event.kind) ? byId.get(event.event_id) : undefined;
    if (args !== undefined) event.attributes = { ...event.attributes, [WRITE_ARGUMENTS]: args };
  }
}

export const SCORE_SELECT = `event_id, ${iso('time')}, toString(agent), session_id, user_id, repo, cwd, toString(kind),
  toString(event_name), toString(tool), call_id, command, target, toString(decision), toString(decision_source),
  exit_code, duration_ms, bytes_in, bytes_out, success, arrayMap(x -> toString(x), missing),
  ${iso('ingested_at')}, toString(sender)`;

const KINDS = new Set<string>(EVENT_KINDS);

/** The columns a session's history is replayed from (a session the engine rebuilds). */
export const HISTORY_COLUMNS = `event_id, time, agent, agent_version, session_id, user_id, host, repo, cwd, kind, event_name,
  tool, call_id, command, target, decision, decision_source, exit_code, duration_ms, bytes_in, bytes_out, success,
  trace_id, span_id, raw_table, raw_time, attributes, missing`;

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
  while (!r.done()) {
    const event_id = r.string();
    const time = r.string();
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
    const ingestedAt = r.lowCardinality();
    const sender = r.lowCardinality();
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
        // The one attribute scoring reads besides a write's arguments: who sent the event (novelty counts it).
        attributes: sender === '' ? {} : { [SENDER_ATTRS.id]: sender },
        missing,
      },
      ingestedAt,
    });
  }
  return out;
}
