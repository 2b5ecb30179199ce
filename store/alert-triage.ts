import type { Alert, AlertStatus } from '../schema/index.js';
import { clickhouseTimeToIso } from './rows/common.js';

/** One analyst's change to an alert's triage (an `alert_triage` row). */
export interface TriageChange {
  time: string;
  change_id: string;
  by: string;
  status: AlertStatus;
  /** The new assignee; undefined leaves it as it was. */
  assignee?: string | undefined;
  note?: string | undefined;
}

type Triage = Pick<Alert, 'status' | 'assignee' | 'notes' | 'history'>;

/**
 * An alert's triage: its first triage (the `alerts` row's) followed by the changes in (time, change_id) order.
 * A change adds its note, and a history entry when it moves the status or sets the assignee, from the status it
 * follows (not the one its analyst had read: two changes made at once read the same one).
 */
export function foldTriage(base: Triage, changes: readonly TriageChange[]): Triage {
  let { status, assignee } = base;
  const notes = [...base.notes];
  const history = [...base.history];
  const ordered = [...changes].sort((a, b) =>
    a.time === b.time ? (a.change_id < b.change_id ? -1 : 1) : a.time < b.time ? -1 : 1,
  );
  for (const c of ordered) {
    if (c.note) notes.push({ time: c.time, by: c.by, text: c.note });
    if (c.status !== status || c.assignee !== undefined)
      history.push({
        time: c.time,
        by: c.by,
        from: status,
        to: c.status,
        ...(c.note ? { note: c.note } : {}),
      });
    status = c.status;
    if (c.assignee !== undefined) assignee = c.assignee;
  }
  return { status, assignee, notes, history };
}

/** A change as the triage subquery returns it: (time, change_id, by, status, set_assignee, assignee, note). */
export type TriageTuple = [string, string, string, string, number | string, string, string];

export function tupleToChange(t: TriageTuple): TriageChange {
  const [time, change_id, by, status, setAssignee, assignee, note] = t;
  return {
    time: clickhouseTimeToIso(time),
    change_id,
    by,
    status: status as AlertStatus,
    ...(Number(setAssignee) === 1 ? { assignee } : {}),
    ...(note ? { note } : {}),
  };
}

export function changeToRow(alertId: string, c: TriageChange): Record<string, unknown> {
  return {
    alert_id: alertId,
    time: c.time,
    change_id: c.change_id,
    by: c.by,
    status: c.status,
    set_assignee: c.assignee === undefined ? 0 : 1,
    assignee: c.assignee ?? '',
    note: c.note ?? '',
  };
}

const ALERT_COLUMNS = [
  'alert_id',
  'time',
  'rule_id',
  'title',
  'severity',
  'attack_ids',
  'session_id',
  'agent',
  'user_id',
  'repo',
  'detectors',
  'event_ids',
  'explanation',
  'score',
  'notes',
  'history',
  'first_seen',
  'last_seen',
  'evidence_count',
];

/**
 * Alerts with their triage, as a subquery to select from: every `alerts` column, `status` and `updated_at` as
 * they stand after the analysts' changes, and `assignee` (for filters, sorts, the change feed and reports), the
 * alert's own first triage (`base_status`, `base_assignee`, `notes`, `history`, `base_updated_at`), its changes (`triage`, to fold) and
 * the time of its latest change (`triaged_at`, NULL without one). `alertWhere` filters the alerts (columns as
 * `a.<name>`), `triageWhere` the changes read; both are fixed SQL with bound parameters.
 */
export function alertsWithTriage(database: string, opts: { alertWhere?: string; triageWhere?: string } = {}) {
  const db = `"${database}"`;
  return `(SELECT ${ALERT_COLUMNS.map((c) => `a.${c} AS ${c}`).join(', ')},
      a.status AS base_status, a.assignee AS base_assignee, a.updated_at AS base_updated_at,
      if(t.t_id = '', a.status, t.t_status) AS status,
      if(t.t_assigned = 0, a.assignee, t.t_assignee) AS assignee,
      greatest(a.updated_at, t.t_time) AS updated_at,
      if(t.t_id = '', NULL, t.t_time) AS triaged_at,
      t.t_changes AS triage
    FROM ${db}.alerts AS a FINAL
    GLOBAL LEFT JOIN (
      SELECT alert_id AS t_id, argMax(status, (time, change_id)) AS t_status, max(time) AS t_time,
        countIf(set_assignee = 1) AS t_assigned, argMaxIf(assignee, (time, change_id), set_assignee = 1) AS t_assignee,
        groupArray((toString(time), change_id, by, toString(status), set_assignee, assignee, note)) AS t_changes
      FROM ${db}.alert_triage ${opts.triageWhere ? `WHERE ${opts.triageWhere}` : ''}
      GROUP BY alert_id
    ) AS t ON t.t_id = a.alert_id
    ${opts.alertWhere ? `WHERE ${opts.alertWhere}` : ''})`;
}
