import type { SessionSummary } from '../schema/index.js';
import type { AgentEventRow } from './rows/agent-events.js';
import { clickhouseTimeToIso } from './rows/common.js';

/**
 * A session's summary from its whole timeline (rows in time order, each event once): the same numbers the
 * summary query computes, without reading the session's rows a second time.
 */
export function summarizeTimeline(
  id: string,
  rows: readonly AgentEventRow[],
  /** The tokens that sent into the session (read apart: a row's sender is not among the timeline's columns). */
  senders: string[],
): SessionSummary | null {
  const first = rows[0];
  const last = rows[rows.length - 1];
  if (!first || !last) return null;
  const firstSet = (pick: (r: AgentEventRow) => string): string => {
    for (const r of rows) if (pick(r) !== '') return pick(r);
    return '';
  };
  const kinds: Record<string, number> = {};
  let commands = 0;
  let denied = 0;
  for (const r of rows) {
    kinds[r.kind] = (kinds[r.kind] ?? 0) + 1;
    if (r.kind === 'command') commands++;
    if (r.decision === 'deny') denied++;
  }
  return {
    session_id: id,
    agent: first.agent,
    user_id: firstSet((r) => r.user_id),
    host: firstSet((r) => r.host),
    repo: firstSet((r) => r.repo),
    first_time: clickhouseTimeToIso(first.time),
    last_time: clickhouseTimeToIso(last.time),
    events: rows.length,
    commands,
    denied,
    kinds,
    senders,
  };
}
