import type { Alert, AlertStatus } from '../schema/index.js';
import { ALERT_ROW_NAMES } from './rows/alerts.js';
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
 * An alert's triage: its first triage (the `alerts` row's) followed by the changes in (time, change_id) order,
 * each change once (an insert retried after it landed stores its row twice). A change adds its note, and a
 * history entry when it moves the status or sets the assignee, from the status it follows (not the one its
 * analyst had read: two changes made at once read the same one).
 */
export function foldTriage(base: Triage, changes: readonly TriageChange[]): Triage {
  let { status, assignee } = base;
  const notes = [...base.notes];
  const history = [...base.history];
  const seen = new Set<string>();
  const ordered = [...changes].sort((a, b) =>
    a.time === b.time ? (a.change_id < b.change_id ? -1 : 1) : a.time < b.time ? -1 : 1,
  );
  for (const c of ordered) {
    if (seen.has(c.change_id)) continue;
    seen.add(c.change_id);
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

/** A change as `triageChanges` returns it: (time, change_id, by, status, set_assignee, assignee, note). */
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

/**
 * The row of a change to the alert raised at `alertTime` (an alert id raised again after its retention is
 * another alert: the old one's changes, kept exactly as long as it was, do not apply to it). `moved`: the
 * change moved the status the analyst saw (the compliance report's time to triage).
 */
export function changeToRow(alert: { alert_id: string; time: string }, c: TriageChange, moved: boolean) {
  return {
    alert_id: alert.alert_id,
    alert_time: alert.time,
    time: c.time,
    change_id: c.change_id,
    by: c.by,
    status: c.status,
    set_assignee: c.assignee === undefined ? 0 : 1,
    assignee: c.assignee ?? '',
    note: c.note ?? '',
    moved: moved ? 1 : 0,
  };
}

/** One alert's changes, by alert id and the time it was raised. */
export interface TriageChangesRow {
  alert_id: string;
  alert_time: string;
  changes: TriageTuple[];
}

/** The changes of some alerts (bound `{tids:Array(String)}`), in full, for the alerts being shown. */
export function triageChanges(database: string): string {
  return `SELECT alert_id, alert_time,
      groupArray((toString(time), change_id, by, toString(status), set_assignee, assignee, note)) AS changes
    FROM "${database}".alert_triage WHERE alert_id IN {tids:Array(String)} GROUP BY alert_id, alert_time`;
}

/**
 * Alerts with their triage as it stands, as a subquery to select from, for what must filter or sort on it in
 * SQL (lists by status, the change feed, reports): the columns of `ALERT_ROW_NAMES`, and `status`, `assignee`,
 * `updated_at` after the analysts' changes, and `triaged_at` (the latest change that moved the status, NULL
 * without one). Only small aggregates per alert are joined (no notes): `triageChanges` reads those for the
 * alerts shown. `alertWhere` filters the alerts (columns as `a.<name>`), `triageWhere` the changes counted;
 * both are fixed SQL with bound parameters. NULL-safe whatever `join_use_nulls` the server's profile sets.
 */
export function alertsWithTriage(database: string, opts: { alertWhere?: string; triageWhere?: string } = {}) {
  const db = `"${database}"`;
  const n = 'ifNull(t.t_n, 0)';
  return `(SELECT ${ALERT_ROW_NAMES.split(',')
    .map((c) => c.trim())
    .filter((c) => !c.startsWith('base_'))
    .map((c) => `a.${c} AS ${c}`)
    .join(', ')},
      a.status AS base_status, a.assignee AS base_assignee, a.updated_at AS base_updated_at,
      if(${n} = 0, a.status, ifNull(t.t_status, a.status)) AS status,
      if(ifNull(t.t_assigned, 0) = 0, a.assignee, ifNull(t.t_assignee, a.assignee)) AS assignee,
      if(${n} = 0, a.updated_at, greatest(a.updated_at, ifNull(t.t_time, a.updated_at))) AS updated_at,
      if(ifNull(t.t_moved, 0) = 0, NULL, t.t_moved_time) AS triaged_at
    FROM ${db}.alerts AS a FINAL
    GLOBAL LEFT JOIN (
      SELECT alert_id AS t_id, alert_time AS t_at, count() AS t_n, max(time) AS t_time,
        argMax(status, (time, change_id)) AS t_status,
        countIf(set_assignee = 1) AS t_assigned, argMaxIf(assignee, (time, change_id), set_assignee = 1) AS t_assignee,
        countIf(moved = 1) AS t_moved, maxIf(time, moved = 1) AS t_moved_time
      FROM ${db}.alert_triage ${opts.triageWhere ? `WHERE ${opts.triageWhere}` : ''}
      GROUP BY alert_id, alert_time
    ) AS t ON t.t_id = a.alert_id AND t.t_at = a.time
    ${opts.alertWhere ? `WHERE ${opts.alertWhere}` : ''})`;
}
