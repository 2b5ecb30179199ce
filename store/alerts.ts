import { randomUUID } from 'node:crypto';
import {
  type AgentEvent,
  Alert,
  AlertFactor,
  AlertNote,
  type AlertsQuery,
  AlertTransition,
  SEVERITIES,
} from '../schema/index.js';
import {
  alertsWithTriage,
  changeToRow,
  foldTriage,
  type TriageChange,
  type TriageTuple,
  tupleToChange,
} from './alert-triage.js';
import type { Db } from './db.js';
import { restoreElidedAttributes } from './raw-attributes.js';
import { type AgentEventRow, EVENT_READ_COLUMNS, rowToEvent } from './rows/agent-events.js';
import { clickhouseTimeToIso } from './rows/common.js';

const COLUMNS = `alert_id, time, rule_id, title, severity, attack_ids, session_id, agent, user_id, repo, detectors,
  event_ids, explanation, score, base_status, base_assignee, notes, history, first_seen, last_seen, evidence_count,
  updated_at, base_updated_at, triage`;

/** An alert as `alertsWithTriage` returns it: the alert's row, its first triage and the analysts' changes. */
interface AlertRow {
  alert_id: string;
  time: string;
  rule_id: string;
  title: string;
  severity: string;
  attack_ids: string[];
  session_id: string;
  agent: string;
  user_id: string;
  repo: string;
  detectors: string[];
  event_ids: string[];
  explanation: string;
  score: number | string;
  base_status: string;
  base_assignee: string;
  notes: string;
  history: string;
  first_seen: string;
  last_seen: string;
  evidence_count: number | string;
  updated_at: string;
  base_updated_at: string;
  triage: TriageTuple[];
}

function jsonArray<T>(text: string, item: { safeParse(v: unknown): { success: boolean; data?: T } }): T[] {
  try {
    const v: unknown = JSON.parse(text);
    if (!Array.isArray(v)) return [];
    return v.flatMap((x) => {
      const p = item.safeParse(x);
      return p.success ? [p.data as T] : [];
    });
  } catch {
    // written by something else (or a pre-analyzer row with plain text): keep it readable as one factor
    return [];
  }
}

/** The alert as its row holds it, before the analysts' changes (`base_status` as `status`). */
function rowToBaseAlert(r: AlertRow): Alert {
  const explanation = jsonArray(r.explanation, AlertFactor);
  return Alert.parse({
    alert_id: r.alert_id,
    time: clickhouseTimeToIso(r.time),
    rule_id: r.rule_id,
    title: r.title,
    severity: r.severity,
    attack_ids: r.attack_ids,
    session_id: r.session_id,
    agent: r.agent,
    user: r.user_id,
    repo: r.repo,
    detectors: r.detectors,
    event_ids: r.event_ids,
    explanation: explanation.length || !r.explanation ? explanation : [{ text: r.explanation }],
    score: Number(r.score),
    status: r.base_status,
    assignee: r.base_assignee,
    notes: jsonArray(r.notes, AlertNote),
    history: jsonArray(r.history, AlertTransition),
    first_seen: clickhouseTimeToIso(r.first_seen),
    last_seen: clickhouseTimeToIso(r.last_seen),
    evidence_count: Number(r.evidence_count),
    updated_at: clickhouseTimeToIso(r.updated_at),
  });
}

const changesOf = (r: AlertRow): TriageChange[] => (r.triage ?? []).map(tupleToChange);

/** The alert as it stands: its first triage followed by the analysts' changes. */
function rowToAlert(r: AlertRow): Alert {
  const base = rowToBaseAlert(r);
  return { ...base, ...foldTriage(base, changesOf(r)) };
}

function alertToRow(a: Alert): Record<string, unknown> {
  const { user, explanation, notes, history, ...rest } = a;
  return {
    ...rest,
    user_id: user,
    explanation: JSON.stringify(explanation),
    notes: JSON.stringify(notes),
    history: JSON.stringify(history),
  };
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
const SORT_KEYS = {
  time: 'toFloat64(toUnixTimestamp64Milli(time))',
  severity: `toFloat64(indexOf(['${SEVERITIES.join("','")}'], severity))`,
  risk: 'score',
} as const;

const sortValue = (a: Alert, sort: keyof typeof SORT_KEYS): number =>
  sort === 'time' ? Date.parse(a.time) : sort === 'severity' ? SEVERITIES.indexOf(a.severity) + 1 : a.score;

/**
 * Alerts as versioned rows (ReplacingMergeTree on updated_at) that only the analyzer (and seeding) writes, each
 * read with the analysts' changes, which are rows of their own (`alert_triage`, `./alert-triage.ts`): no writer
 * rewrites what another wrote, on this instance or any other. Versions grow strictly within this process even
 * inside one millisecond.
 */
export function createAlertsRepo(db: Db, database: string) {
  const triageTable = 'alert_triage';
  let last = 0;
  // Above the version the caller read too: another instance (or the analyzer) whose clock runs ahead of
  // this one must not make a change lose to the row (or the change) it follows.
  const nextVersion = (above = ''): string => {
    last = Math.max(Date.now(), last + 1, (Date.parse(above) || 0) + 1);
    return new Date(last).toISOString();
  };
  const byIds = alertsWithTriage(database, {
    alertWhere: 'a.alert_id IN {ids:Array(String)}',
    triageWhere: 'alert_id IN {ids:Array(String)}',
  });
  const all = alertsWithTriage(database);
  const bySessions = alertsWithTriage(database, { alertWhere: 'a.session_id IN {s:Array(String)}' });

  async function rowsOf(ids: readonly string[], name: string): Promise<AlertRow[]> {
    if (ids.length === 0) return [];
    return db.query<AlertRow>(name, `SELECT ${COLUMNS} FROM ${byIds}`, { ids });
  }

  async function get(id: string): Promise<Alert | null> {
    const [row] = await rowsOf([id], 'alerts.get');
    return row ? rowToAlert(row) : null;
  }

  async function getMany(ids: readonly string[]): Promise<Alert[]> {
    return (await rowsOf(ids, 'alerts.get-many')).map(rowToAlert);
  }

  async function put(alerts: readonly Alert[]): Promise<Alert[]> {
    const out = alerts.map((a) => ({ ...a, updated_at: nextVersion(a.updated_at) }));
    await db.insert('alerts.put', 'alerts', out.map(alertToRow));
    return out;
  }

  return {
    get,
    getMany,
    /** Writes new versions of alerts as given (seeding, imports), as their first triage; returns them as stored. */
    put,
    /**
     * The analyzer's new detections: each keeps the first time and first triage stored, and is returned with
     * the analysts' changes, as a read would show it.
     */
    async putDetections(alerts: readonly Alert[]): Promise<Alert[]> {
      const stored = new Map(
        (
          await rowsOf(
            alerts.map((a) => a.alert_id),
            'alerts.get-many',
          )
        ).map((r) => [r.alert_id, r]),
      );
      const written = await put(
        alerts.map((a) => {
          const r = stored.get(a.alert_id);
          if (!r) return a;
          const { time, status, assignee, notes, history } = rowToBaseAlert(r);
          return {
            ...a,
            time,
            status,
            assignee,
            notes,
            history,
            updated_at: clickhouseTimeToIso(r.base_updated_at),
          };
        }),
      );
      return written.map((a) => {
        const r = stored.get(a.alert_id);
        if (!r) return a;
        const changes = changesOf(r);
        const latest = changes.reduce((t, c) => Math.max(t, Date.parse(c.time)), Date.parse(a.updated_at));
        return { ...a, ...foldTriage(a, changes), updated_at: new Date(latest).toISOString() };
      });
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
      await db.insert('alerts.triage', triageTable, [changeToRow(id, c)]);
      return { before, after: { ...before, ...foldTriage(before, [c]), updated_at: c.time } };
    },
    async list(q: AlertsQuery): Promise<{ alerts: Alert[]; next_cursor: string | null }> {
      const key = SORT_KEYS[q.sort];
      const cursor = q.cursor ? decodeCursor(q.cursor) : undefined;
      const cmp = q.order === 'asc' ? '>' : '<';
      const dir = q.order === 'asc' ? 'ASC' : 'DESC';
      const rows = await db.query<AlertRow>(
        'alerts.list',
        `SELECT ${COLUMNS} FROM ${all}
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
      const alerts = rows.slice(0, q.limit).map(rowToAlert);
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
      const rows = await db.query<AlertRow>('alerts.by-sessions', `SELECT ${COLUMNS} FROM ${bySessions}`, {
        s: sessions,
      });
      return rows.map(rowToAlert);
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
    /** Changed alerts after a version (the stream's catch-up after a reconnect or another worker's writes). */
    async changedSince(afterIso: string, limit = 500): Promise<Alert[]> {
      const rows = await db.query<AlertRow>(
        'alerts.changed-since',
        `SELECT ${COLUMNS} FROM ${all}
         WHERE updated_at > parseDateTime64BestEffort({after:String}, 3, 'UTC')
         ORDER BY updated_at LIMIT {limit:UInt32}`,
        { after: afterIso, limit },
      );
      return rows.map(rowToAlert);
    },
  };
}
export type AlertsRepo = ReturnType<typeof createAlertsRepo>;
