import type { Db, Params } from './db.js';
import { isoToTicks } from './rowbinary/times.js';
import type { AgentEventRow } from './rows/agent-events.js';
import { clickhouseTimeToIso } from './rows/common.js';
import { linkOf, readElided, readElisionRef, valueDigest, valueHash } from './rows/elide.js';

// Raw rows are looked up by time ranges around the events (the raw tables' keys lead with time after the
// service); events far apart in time get separate ranges so a page spanning a month reads minutes, not a month.
const GAP_NS = 120n * 1_000_000_000n;
const MAX_RANGES = 32;
// The sender chooses its raw rows' links: it can put any number of them, as large as it likes, where its own
// event is. Reads are bounded whatever it sends: events restored per query, raw rows read per link (those whose
// whole value has a wanted digest first), characters per value (no more than the events take), and rows per
// block (the engine holds a block's whole values: 16 rows of 1 MB decoys took 86 MB where 8,192 took 1.9 GB).
const GROUP_EVENTS = 100;
const ROWS_PER_LINK = 8;

const TABLES = {
  otel_logs: { attrs: 'LogAttributes', time: 'TimestampTime', seconds: true },
  otel_traces: { attrs: 'SpanAttributes', time: 'Timestamp', seconds: false },
} as const;
type LinkedTable = keyof typeof TABLES;

interface Wanted {
  row: AgentEventRow;
  link: string;
  ticks: bigint;
  refs: [string, bigint][];
}

/**
 * Puts back the long attribute values agent_events keeps only in the raw row (store/rows/elide.ts): for each
 * row with references, the raw row of the same link whose value under the same key (its start, plus the stored
 * tail) has the stored hash. A value
 * whose raw row is gone (raw rows expire first) keeps its stored prefix and mark. Mutates `rows`.
 */
export async function restoreElidedAttributes(
  db: Db,
  database: string,
  rows: AgentEventRow[],
): Promise<void> {
  const byTable = new Map<LinkedTable, Wanted[]>();
  for (const row of rows) {
    const ref = row.attributes_ref;
    if (!ref) continue;
    const entries = Object.entries(ref);
    if (entries.length === 0 || !(row.raw_table in TABLES)) continue;
    let ticks: bigint;
    try {
      ticks = isoToTicks(canonical(clickhouseTimeToIso(row.raw_time)));
    } catch {
      continue;
    }
    const list = byTable.get(row.raw_table as LinkedTable) ?? [];
    list.push({
      row,
      ticks,
      link: linkOf(ticks, row.trace_id, row.span_id),
      refs: entries.map(([k, h]) => [k, BigInt(h)]),
    });
    byTable.set(row.raw_table as LinkedTable, list);
  }
  // A page's events in groups: one group's candidates are all that is held at a time.
  for (const [table, wanted] of byTable)
    for (let i = 0; i < wanted.length; i += GROUP_EVENTS)
      await restoreFrom(db, database, table, wanted.slice(i, i + GROUP_EVENTS));
}

// ClickHouse prints nine fraction digits already; pad anything shorter the way the canonical form wants.
function canonical(iso: string): string {
  const m = /^(.*T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?Z$/.exec(iso);
  return m ? `${m[1]}.${(m[2] ?? '').padEnd(9, '0')}Z` : iso;
}

async function restoreFrom(db: Db, database: string, table: LinkedTable, wanted: Wanted[]): Promise<void> {
  const spec = TABLES[table];
  const ranges = timeRanges(wanted.map((w) => w.ticks));
  const digests = new Set<string>();
  let maxChars = 0;
  for (const w of wanted)
    for (const [key, ref] of w.refs) {
      const digest = readElided(w.row.attributes[key] ?? '')?.digest;
      if (digest !== undefined) digests.add(digest);
      maxChars = Math.max(maxChars, readElisionRef(ref).rawChars);
    }
  const params: Params = {
    keys: [...new Set(wanted.flatMap((w) => w.refs.map(([k]) => k)))],
    ns: [...new Set(wanted.map((w) => w.ticks.toString()))],
    traces: [...new Set(wanted.map((w) => w.row.trace_id))],
    spans: [...new Set(wanted.map((w) => w.row.span_id))],
    digests: [...digests],
    // UTF-16 units (rawChars) are never fewer than the code points substringUTF8 counts.
    chars: maxChars,
    perLink: ROWS_PER_LINK,
  };
  const where = ranges.map(([lo, hi], i) => {
    params[`lo${i}`] = spec.seconds ? (lo / 1_000_000_000n).toString() : lo.toString();
    params[`hi${i}`] = spec.seconds ? (hi / 1_000_000_000n).toString() : hi.toString();
    return spec.seconds
      ? `(${spec.time} BETWEEN toDateTime({lo${i}:UInt32}) AND toDateTime({hi${i}:UInt32}))`
      : `(${spec.time} BETWEEN fromUnixTimestamp64Nano({lo${i}:Int64}) AND fromUnixTimestamp64Nano({hi${i}:Int64}))`;
  });
  const found = await db.query<{ ns: string; tr: string; sp: string; a: Record<string, string> }>(
    `events.raw-values.${table}`,
    `SELECT ns, tr, sp, a FROM (
       SELECT ns, tr, sp, mapApply((k, v) -> (k, substringUTF8(v, 1, {chars:UInt32})), full) AS a,
              arrayExists(x -> has({digests:Array(String)}, substring(lower(hex(SHA256(x))), 1, 32)),
                          mapValues(full)) AS hit
       FROM (
         SELECT toString(toUnixTimestamp64Nano(Timestamp)) AS ns, TraceId AS tr, SpanId AS sp,
                mapFilter((k, v) -> has({keys:Array(String)}, k), ${spec.attrs}) AS full
         FROM "${database}".${table}
         WHERE (${where.join(' OR ')})
           AND TraceId IN {traces:Array(String)}
           AND SpanId IN {spans:Array(String)}
           AND toString(toUnixTimestamp64Nano(Timestamp)) IN {ns:Array(String)}
       )
     )
     ORDER BY hit DESC
     LIMIT {perLink:UInt32} BY ns, tr, sp
     SETTINGS max_block_size = 16, max_threads = 1`,
    params,
  );
  const byLink = new Map<string, Record<string, string>[]>();
  for (const f of found) {
    const key = linkOf(BigInt(f.ns), f.tr, f.sp);
    const list = byLink.get(key);
    if (list) list.push(f.a);
    else byLink.set(key, [f.a]);
  }
  for (const w of wanted) {
    const candidates = byLink.get(w.link);
    if (!candidates) continue;
    const attributes = { ...w.row.attributes };
    for (const [key, ref] of w.refs) {
      const { hash, rawChars } = readElisionRef(ref);
      const parts = readElided(attributes[key] ?? '');
      if (!parts) continue;
      // The sender chooses both the raw rows and their links: another raw row at the same link must not stand
      // in for this one. A value is put back when it starts as stored and has the stored SHA-256 digest; a row
      // stored before the digest (its 32-bit hash is brute-forced in seconds) only when no other candidate
      // value has the same hash.
      let match: string | undefined;
      let ambiguous = false;
      for (const a of candidates) {
        const r = a[key];
        if (r === undefined || r.length < rawChars) continue;
        const v = `${r.slice(0, rawChars)}${parts.tail}`;
        if (!v.startsWith(parts.prefix)) continue;
        if (parts.digest !== undefined ? valueDigest(v) !== parts.digest : valueHash(v) !== hash) continue;
        if (match !== undefined && match !== v) ambiguous = true;
        match = v;
      }
      if (match !== undefined && !ambiguous) attributes[key] = match;
    }
    w.row.attributes = attributes;
  }
}

/** Sorted ticks → at most MAX_RANGES [lo, hi] ranges, split at the widest gaps above GAP_NS. */
function timeRanges(ticks: bigint[]): [bigint, bigint][] {
  const sorted = [...ticks].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const gaps: { at: number; size: bigint }[] = [];
  for (let i = 1; i < sorted.length; i++) {
    const size = (sorted[i] as bigint) - (sorted[i - 1] as bigint);
    if (size > GAP_NS) gaps.push({ at: i, size });
  }
  gaps.sort((a, b) => (b.size > a.size ? 1 : b.size < a.size ? -1 : 0));
  const cuts = gaps
    .slice(0, MAX_RANGES - 1)
    .map((g) => g.at)
    .sort((a, b) => a - b);
  const ranges: [bigint, bigint][] = [];
  let start = 0;
  for (const cut of [...cuts, sorted.length]) {
    // One second either side: TimestampTime is whole seconds.
    ranges.push([(sorted[start] as bigint) - 1_000_000_000n, (sorted[cut - 1] as bigint) + 1_000_000_000n]);
    start = cut;
  }
  return ranges;
}
