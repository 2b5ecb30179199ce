import type { WriteArgsRow } from './analyzer-events.js';
import type { Db } from './db.js';
import { restoreElidedAttributes } from './raw-attributes.js';
import type { AgentEventRow } from './rows/agent-events.js';
import { readElided, readElisionRef } from './rows/elide.js';

/** Scoring reads at most this much of what a write wrote; a longer value stays cut (read as unknown). */
export const WRITE_ARGS_MAX_CHARS = 65_536;

/**
 * A write's arguments as scoring reads them: a value agent_events keeps only as its start and a reference (longer
 * than 256 characters) is put back from its raw row, as the API puts it back (store/raw-attributes.ts: only a raw
 * value with the stored digest, at the event's own link). A value longer than scoring reads, or whose raw row is
 * gone or does not match, stays as stored: its start and the mark, which readers take as unknown content.
 */
export async function restoreWriteArguments(
  db: Db,
  database: string,
  rows: readonly WriteArgsRow[],
): Promise<{ event_id: string; args: string }[]> {
  const elided: { row: WriteArgsRow; stored: AgentEventRow }[] = [];
  for (const row of rows) {
    const ref = row.ref[row.arg_key];
    if (ref === undefined || readElided(row.args) === undefined) continue;
    let rawChars: number;
    try {
      rawChars = readElisionRef(BigInt(ref)).rawChars;
    } catch {
      continue;
    }
    if (rawChars > WRITE_ARGS_MAX_CHARS) continue;
    elided.push({
      row,
      stored: {
        attributes: { [row.arg_key]: row.args },
        attributes_ref: { [row.arg_key]: ref },
        raw_table: row.raw_table,
        raw_time: row.raw_time,
        trace_id: row.trace_id,
        span_id: row.span_id,
      } as AgentEventRow,
    });
  }
  if (elided.length > 0)
    await restoreElidedAttributes(
      db,
      database,
      elided.map((e) => e.stored),
    );
  const restored = new Map(
    elided.map(({ row, stored }) => [row.event_id, stored.attributes[row.arg_key] ?? row.args]),
  );
  return rows.map((r) => ({
    event_id: r.event_id,
    args: (restored.get(r.event_id) ?? r.args).slice(0, WRITE_ARGS_MAX_CHARS),
  }));
}
