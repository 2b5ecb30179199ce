import type { Params } from './db.js';
import { clickhouseTimeToIso } from './rows/common.js';

/** Period and scope of a compliance report. Empty lists mean "all". */
export interface ReportScope {
  from: string;
  to: string;
  agents: string[];
  repos: string[];
  users: string[];
}

export type Num = number | string;
export const n = (v: Num | null | undefined): number => (v === null || v === undefined ? 0 : Number(v));
export const nOrNull = (v: Num | null | undefined): number | null =>
  v === null || v === undefined ? null : Number(v);
export const iso = (t: string | null | undefined): string => (t ? clickhouseTimeToIso(t) : '');

/**
 * Agent text is cut in the query (a report never carries a whole 8 KiB command), and the cut is never silent:
 * `cut` selects the first `max` characters as `alias` and whether more followed as `alias_cut`, and `shown`
 * ends cut text in '…', so a command padded past the cut cannot pass for a complete, harmless one.
 */
export const cut = (expr: string, max: number, alias: string) =>
  `substringUTF8(${expr}, 1, ${max}) AS ${alias}, lengthUTF8(${expr}) > ${max} AS ${alias}_cut`;
export const isCut = (v: unknown): boolean => Number(v) === 1 || v === true;
export const shown = (text: unknown, wasCut: unknown): string =>
  `${String(text ?? '')}${isCut(wasCut) ? '…' : ''}`;

/** A bound ISO time parameter as a DateTime64(3). */
export const T = (p: string) => `parseDateTime64BestEffort({${p}:String}, 3, 'UTC')`;

/**
 * agent_events rows a report covers: those the store RECEIVED in the period (`ingested_at`, set by ClickHouse
 * when the row is written), never those that CLAIM a time in it (`time`, the sender's OTel timestamp, which an
 * agent sets to anything). Every stored event is thus in exactly one period's report, and a period that has
 * ended gets no new rows, so its report regenerated later is the same.
 */
export const EVENT_SCOPE = `ingested_at >= ${T('from')} AND ingested_at < ${T('to')}
  AND (empty({agents:Array(String)}) OR has({agents:Array(String)}, agent))
  AND (empty({repos:Array(String)}) OR has({repos:Array(String)}, repo))
  AND (empty({users:Array(String)}) OR has({users:Array(String)}, user_id))`;

/** Milliseconds from the time an event claims to the time it was received (negative: it claims the future). */
export const SKEW_MS = 'toUnixTimestamp64Milli(ingested_at) - toUnixTimestamp64Milli(time)';

/** The bound parameters of EVENT_SCOPE (and of the other scopes, which use a subset). */
export const scopeParams = (s: ReportScope): Params => ({
  from: s.from,
  to: s.to,
  agents: s.agents,
  repos: s.repos,
  users: s.users,
});
