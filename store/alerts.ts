import { randomUUID } from 'node:crypto';
import { type AgentEvent, type Alert, type AlertsQuery, SEVERITIES } from '../schema/index.js';
import {
  alertsWithTriage,
  changeToRow,
  foldTriage,
  type TriageChange,
  type TriageChangesRow,
  triageChanges,
  tupleToChange,
} from './alert-triage.js';
import type { Db } from './db.js';
import { restoreElidedAttributes } from './raw-attributes.js';
import { type AgentEventRow, EVENT_READ_COLUMNS, rowToEvent } from './rows/agent-events.js';
import {
  ALERT_ROW_COLUMNS,
  ALERT_ROW_NAMES,
  type AlertRow,
  alertToRow,
  rowToBaseAlert,
} from './rows/alerts.js';
import { clickhouseTimeToIso } from './rows/common.js';

/** The alert as it stands: its row's first triage followed by the analysts' changes. */
function standing(base: Alert, changes: readonly TriageChange[]): Alert {
  const latest = changes.reduce((t, c) => Math.max(t, Date.parse(c.time)), Date.parse(base.updated_at));
  return { ...base, ...foldTriage(base, changes), updated_at: new Date(latest).toISOString() };
}

interface Cursor {
  k: number;
  id: string;
}

function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify(c)).toString('base64url');
}

/** Throws a RangeError (the API answers 400) for a cursor it did not issue. */
function decodeCursor(s: string): Cursor {
  try {
    const c = JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as Partial<Cursor>;
    if (typeof c.k === 'number' && Number.isFinite(c.k) && typeof c.id === 'string')
      return { k: c.k, id: c.id };
  } catch {
    // fall through
  }
  throw new RangeError('cursor is not one this server issued');
}

// Sort keys as fixed SQL (never built from input): a number per row, ties broken by alert_id.
// `time` lists by the latest evidence ("Last seen" in the UI). By the first, an agent that sent one made-up finding
// stamped weeks back had every later finding of that detector in its session, the real one too, listed weeks back.
const SORT_KEYS = {
  time: 'toFloat64(toUnixTimestamp64Milli(last_seen))',
  severity: `toFloat64(indexOf(['${SEVERITIES.join("','")}'], severity))`,
  risk: 'score',
} as const;

const sortValue = (a: Alert, sort: keyof typeof SORT_KEYS): number =>
  sort === 'time'
    ? Date.parse(a.last_seen)
    : sort === 'severity'
      ? SEVERITIES.indexOf(a.severity) + 1
      : a.score;

/**
 * Alerts as versioned rows (ReplacingMergeTree on updated_at) that only the analyzer (and seeding) writes, each
 * read with the analysts' changes, which are rows of their own (`alert_triage`, `./alert-triage.ts`): no writer
 * rewrites what another wrote, on this instance or any other. Versions grow strictly within this process even
 * inside one millisecond.
 */
export function createAlertsRepo(db: Db, database: string) {
  const table = `"${database}".alerts`;
  let last = 0;
  // Above the version the caller read too: another instance (or the analyzer) whose clock runs ahead of
  // this one must not make a change lose to the row (or the change) it follows.
  const nextVersion = (above = ''): string => {
    last = Math.max(Date.now(), last + 1, (Date.parse(above) || 0) + 1);
    return new Date(last).toISOString();
  };

  /** The analysts' changes of these alerts (rows as read), by alert id, for the time each was raised. */
  async function changesOf(rows: readonly AlertRow[]): Promise<Map<string, TriageChange[]>> {
    const out = new Map<string, TriageChange[]>();
    if (rows.length === 0) return out;
    const raised = new Map(rows.map((r) => [r.alert_id, Date.parse(clickhouseTimeToIso(r.time))]));
    const found = await db.query<TriageChangesRow>('alerts.triage-of', triageChanges(database), {
      tids: [...raised.keys()],
    });
    for (const f of found)
      if (raised.get(f.alert_id) === Date.parse(clickhouseTimeToIso(f.alert_time)))
        out.set(f.alert_id, f.changes.map(tupleToChange));
    return out;
  }

  /** The alerts of these rows as they stand, in the rows' order. */
  async function standingOf(rows: readonly AlertRow[]): Promise<Alert[]> {
    const changes = await changesOf(rows);
    return rows.map((r) => standing(rowToBaseAlert(r), changes.get(r.alert_id) ?? []));
  }

  async function rowsOf(ids: readonly string[], name: string): Promise<AlertRow[]> {
    if (ids.length === 0) return [];
    return db.query<AlertRow>(
      name,
      `SELECT ${ALERT_ROW_COLUMNS} FROM ${table} FINAL WHERE alert_id IN {ids:Array(String)}`,
      { ids },
    );
  }

  async function get(id: string): Promise<Alert | null> {
    const [alert] = await standingOf(await rowsOf([id], 'alerts.get'));
    return alert ?? null;
  }

  async function getMany(ids: readonly string[]): Promise<Alert[]> {
    return standingOf(await rowsOf(ids, 'alerts.get-many'));
  }

  async function put(alerts: readonly Alert[]): Promise<Alert[]> {
    const out = alerts.map((a) => {
      const updated_at = nextVersion(a.updated_at);
      return { ...a, updated_at, raised_at: a.raised_at ?? updated_at };
    });
    await db.insert('alerts.put', 'alerts', out.map(alertToRow));
    return out;
  }

  /**
   * A closed alert (resolved, false positive) whose detector found new actions opens again, as a change of its own
   * by `ward-analyzer`. One alert holds a detector's findings in a session, so a session that had its first, harmless
   * looking credential read closed as a false positive had every later read, the real one too, join a closed alert
   * that no open queue listed. `changes` gets the new change (the alerts are returned as they then stand).
   */
  async function reopenOnNewActions(
    written: readonly Alert[],
    stored: ReadonlyMap<string, Alert>,
    changes: Map<string, TriageChange[]>,
  ): Promise<void> {
    const rows = [];
    for (const a of written) {
      const s = stored.get(a.alert_id);
      if (!s || a.evidence_count <= s.evidence_count) continue;
      const now = standing(a, changes.get(a.alert_id) ?? []);
      if (now.status !== 'resolved' && now.status !== 'false_positive') continue;
      const note = `${a.evidence_count - s.evidence_count} new action(s) after it was ${now.status === 'resolved' ? 'resolved' : 'closed as a false positive'}, the latest at ${a.last_seen}`;
      const c: TriageChange = {
        time: nextVersion(now.updated_at),
        change_id: randomUUID(),
        by: 'ward-analyzer',
        status: 'open',
        note,
      };
      // Not a triage (the compliance report times analysts), though it moves the status.
      rows.push(changeToRow(a, c, false));
      changes.set(a.alert_id, [...(changes.get(a.alert_id) ?? []), c]);
    }
    if (rows.length === 0) return;
    await db.insert('alerts.reopen', 'alert_triage', rows, { insert_distributed_sync: 1 });
  }

  const listed = alertsWithTriage(database);

  return {
    get,
    getMany,
    /**
     * Writes new versions of alerts as given (seeding, imports), as their first triage; one without `raised_at` is
     * raised by this write. Returns them as stored.
     */
    put,
    /**
     * The analyzer's new detections: each keeps the time it was raised (`raised_at`, its first version's write,
     * and `time`, its first evidence's claimed time) and its first triage as stored, and is returned with the
     * analysts' changes read just before the write. A new one is raised by this write, whatever it carries.
     */
    async putDetections(alerts: readonly Alert[]): Promise<Alert[]> {
      const rows = await rowsOf(
        alerts.map((a) => a.alert_id),
        'alerts.get-many',
      );
      const stored = new Map(rows.map((r) => [r.alert_id, rowToBaseAlert(r)]));
      const changes = await changesOf(rows);
      const written = await put(
        alerts.map((a) => {
          const s = stored.get(a.alert_id);
          if (!s) {
            const { raised_at: _unset, ...raised } = a;
            return raised;
          }
          const { time, status, assignee, notes, history, updated_at, raised_at } = s;
          return { ...a, time, status, assignee, notes, history, updated_at, raised_at };
        }),
      );
      await reopenOnNewActions(written, stored, changes);
      return written.map((a) => standing(a, changes.get(a.alert_id) ?? []));
    },
    /**
     * An analyst's change, stored as a row of its own after the alert's latest change. `before` is the alert as
     * read just before; `after` is `before` with this change (a change made at once elsewhere shows on the next
     * read, in the order of their times).
     */
    async update(
      id: string,
      change: Omit<TriageChange, 'time' | 'change_id'>,
    ): Promise<{ before: Alert; after: Alert } | null> {
      const before = await get(id);
      if (!before) return null;
      const c: TriageChange = { ...change, time: nextVersion(before.updated_at), change_id: randomUUID() };
      // On a cluster: stored on its shard before the analyst is answered, and a retry of an insert that landed
      // is dropped there (a change stored twice anywhere else counts once when folded).
      await db.insert('alerts.triage', 'alert_triage', [changeToRow(before, c, c.status !== before.status)], {
        insert_deduplication_token: c.change_id,
        insert_distributed_sync: 1,
      });
      return { before, after: { ...before, ...foldTriage(before, [c]), updated_at: c.time } };
    },
    async list(q: AlertsQuery): Promise<{ alerts: Alert[]; next_cursor: string | null }> {
      const key = SORT_KEYS[q.sort];
      const cursor = q.cursor ? decodeCursor(q.cursor) : undefined;
      const cmp = q.order === 'asc' ? '>' : '<';
      const dir = q.order === 'asc' ? 'ASC' : 'DESC';
      const rows = await db.query<AlertRow>(
        'alerts.list',
        `SELECT ${ALERT_ROW_NAMES} FROM ${listed}
         WHERE ({status:String} = '' OR status = {status:String})
           AND ({severity:String} = '' OR severity = {severity:String})
           AND ({agent:String} = '' OR agent = {agent:String})
           AND ({detector:String} = '' OR rule_id = {detector:String} OR has(detectors, {detector:String}))
           AND ({repo:String} = '' OR repo = {repo:String})
           AND ({user:String} = '' OR user_id = {user:String})
           AND ({session:String} = '' OR session_id = {session:String})
           AND ({from:String} = '' OR last_seen >= parseDateTime64BestEffortOrZero({from:String}, 9, 'UTC'))
           AND ({to:String} = '' OR time < parseDateTime64BestEffortOrZero({to:String}, 9, 'UTC'))
           AND ({hasCursor:UInt8} = 0 OR (${key}, alert_id) ${cmp} ({ck:Float64}, {cid:String}))
         ORDER BY ${key} ${dir}, alert_id ${dir}
         LIMIT {limit:UInt32}`,
        {
          status: q.status ?? '',
          severity: q.severity ?? '',
          agent: q.agent ?? '',
          detector: q.detector ?? '',
          repo: q.repo ?? '',
          user: q.user ?? '',
          session: q.session ?? '',
          from: q.from ?? '',
          to: q.to ?? '',
          hasCursor: cursor ? 1 : 0,
          ck: cursor?.k ?? 0,
          cid: cursor?.id ?? '',
          limit: q.limit + 1,
        },
      );
      const alerts = await standingOf(rows.slice(0, q.limit));
      const lastAlert = alerts[alerts.length - 1];
      const next =
        rows.length > q.limit && lastAlert
          ? encodeCursor({ k: sortValue(lastAlert, q.sort), id: lastAlert.alert_id })
          : null;
      return { alerts, next_cursor: next };
    },
    /** The evidence events of an alert (by id, oldest first). */
    async evidence(eventIds: readonly string[]): Promise<AgentEvent[]> {
      if (eventIds.length === 0) return [];
      const rows = await db.query<AgentEventRow>(
        'alerts.evidence',
        `SELECT ${EVENT_READ_COLUMNS} FROM "${database}".agent_events FINAL
         WHERE event_id IN {ids:Array(String)} ORDER BY time, event_id LIMIT 1000`,
        { ids: eventIds },
      );
      await restoreElidedAttributes(db, database, rows);
      return rows.map(rowToEvent);
    },
    /** Alerts of some sessions (for risk fusion and the evidence merge). */
    async bySessions(sessions: readonly string[]): Promise<Alert[]> {
      if (sessions.length === 0) return [];
      const rows = await db.query<AlertRow>(
        'alerts.by-sessions',
        `SELECT ${ALERT_ROW_COLUMNS} FROM ${table} FINAL WHERE session_id IN {s:Array(String)}`,
        { s: sessions },
      );
      return standingOf(rows);
    },
    /** Counts per severity of alerts last seen in a window (status other than resolved/false positive). */
    async countBySeverity(from: string, to: string): Promise<Record<string, number>> {
      const rows = await db.query<{ severity: string; n: string }>(
        'alerts.count-by-severity',
        `SELECT severity, count() AS n FROM "${database}".alerts FINAL
         WHERE ({from:String} = '' OR last_seen >= parseDateTime64BestEffortOrZero({from:String}, 9, 'UTC'))
           AND ({to:String} = '' OR time < parseDateTime64BestEffortOrZero({to:String}, 9, 'UTC'))
         GROUP BY severity`,
        { from, to },
      );
      return Object.fromEntries(rows.map((r) => [r.severity, Number(r.n)]));
    },
    /**
     * Alerts changed after a time, by the analyzer or an analyst (the stream's catch-up after a reconnect or
     * another instance's writes), oldest change first. Only the changes after that time are joined.
     */
    async changedSince(afterIso: string, limit = 500): Promise<Alert[]> {
      const after = "parseDateTime64BestEffort({after:String}, 3, 'UTC')";
      const rows = await db.query<AlertRow>(
        'alerts.changed-since',
        `SELECT ${ALERT_ROW_NAMES} FROM ${alertsWithTriage(database, { triageWhere: `time > ${after}` })}
         WHERE updated_at > ${after}
         ORDER BY updated_at, alert_id LIMIT {limit:UInt32}`,
        { after: afterIso, limit },
      );
      return standingOf(rows);
    },
  };
}
export type AlertsRepo = ReturnType<typeof createAlertsRepo>;
