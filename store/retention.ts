import type { AuditRepo } from './audit.js';
import type { Db } from './db.js';
import { type DdlContext, onCluster } from './ddl.js';

/** Six months, the shortest log retention the mapped controls accept (EU AI Act Art. 19(1), 26(6)). */
export const REQUIRED_LOG_DAYS = 183;

/** Tables whose retention Ward manages: the TTL expression and the minimum the mapped controls require. */
export const RETENTION_TABLES = {
  audit_chain: { expr: 'toDateTime(time)', defaultDays: 365, requiredDays: REQUIRED_LOG_DAYS },
  approvals: { expr: 'toDateTime(created_at)', defaultDays: 365, requiredDays: REQUIRED_LOG_DAYS },
  alerts: { expr: 'toDateTime(time)', defaultDays: 365, requiredDays: REQUIRED_LOG_DAYS },
  grants: { expr: 'toDateTime(created_at)', defaultDays: 365, requiredDays: REQUIRED_LOG_DAYS },
  agent_events: { expr: 'toDateTime(time)', defaultDays: 365, requiredDays: REQUIRED_LOG_DAYS },
  otel_logs: { expr: 'TimestampTime', defaultDays: 30, requiredDays: 0 },
  otel_traces: { expr: 'toDateTime(Timestamp)', defaultDays: 30, requiredDays: 0 },
} as const;
export type RetentionTable = keyof typeof RETENTION_TABLES;

/**
 * Tables kept exactly as long as another: an alert's triage changes (`alert_triage`) with the alerts, the
 * sessions' first steps the analyzer keeps (`analyzer_steps`: commands, paths and hosts) and novelty's memory of
 * where each value was seen (`analyzer_sightings`) with the events they came from. Each is applied and recorded
 * under its own name, so a table added after its leader's retention was set gets it too.
 */
const COMPANIONS: Partial<Record<RetentionTable, { table: string; expr: string }[]>> = {
  alerts: [{ table: 'alert_triage', expr: 'toDateTime(alert_time)' }],
  agent_events: [
    { table: 'analyzer_steps', expr: 'toDateTime(time)' },
    { table: 'analyzer_sightings', expr: 'toDateTime(time)' },
  ],
};
export const RETENTION_TABLE_NAMES = Object.keys(RETENTION_TABLES) as RetentionTable[];

/** One table's retention as GET /api/retention shows it (days 0 = kept forever). */
export interface RetentionStatus {
  table: string;
  days: number;
  required_days: number;
  ok: boolean;
}

/** Resolved days per table from the store config (explicit settings over the raw/events TTLs over defaults). */
export function resolveRetention(
  explicit: Partial<Record<RetentionTable, number>>,
  rawTtlDays: number,
  eventsTtlDays: number,
): Record<RetentionTable, number> {
  const out = {} as Record<RetentionTable, number>;
  for (const t of RETENTION_TABLE_NAMES) {
    const fallback =
      t === 'agent_events'
        ? eventsTtlDays
        : t.startsWith('otel_')
          ? rawTtlDays
          : RETENTION_TABLES[t].defaultDays;
    out[t] = explicit[t] ?? fallback;
  }
  return out;
}

/** Whether `days` meets what the mapped controls require (0 = forever meets everything). */
export function retentionOk(table: RetentionTable, days: number): boolean {
  return days === 0 || days >= RETENTION_TABLES[table].requiredDays;
}

/** Applies and records retention: a TTL per table, each change audited once. */
export function createRetentionRepo(db: Db, ctx: DdlContext, audit: AuditRepo) {
  const settingsTable = `"${ctx.database}".retention_settings`;

  async function current(): Promise<Map<string, number>> {
    const rows = await db.query<{ table_name: string; days: number | string }>(
      'retention.current',
      `SELECT table_name, days FROM ${settingsTable} FINAL`,
    );
    return new Map(rows.map((r) => [r.table_name, Number(r.days)]));
  }

  async function alterTtl(table: string, ttl: string, days: number): Promise<void> {
    for (const n of ctx.cluster ? [`${table}_local`] : [table]) {
      await db
        .command('retention.apply', `ALTER TABLE "${ctx.database}"."${n}"${onCluster(ctx)} ${ttl}`)
        .catch((err: unknown) => {
          // REMOVE TTL on a table that never had one is not a change.
          if (!(days === 0 && /TTL/i.test(String(err)))) throw err;
        });
    }
  }

  async function record(table: string, days: number, actor: string, from: number | null, required: number) {
    await db.insert('retention.record', 'retention_settings', [
      { table_name: table, days, changed_at: new Date().toISOString(), changed_by: actor },
    ]);
    await audit.append({
      actor,
      action: 'retention.changed',
      target: table,
      details: { from_days: from, to_days: days, required_days: required },
    });
  }

  return {
    /** The days last applied per table. */
    current,
    /** Status per managed table, as applied. */
    async status(): Promise<RetentionStatus[]> {
      const now = await current();
      return RETENTION_TABLE_NAMES.map((t) => {
        const days = now.get(t) ?? 0;
        return { table: t, days, required_days: RETENTION_TABLES[t].requiredDays, ok: retentionOk(t, days) };
      });
    },
    /** Sets each table's TTL to `wanted` where it differs from what was applied; returns the changes. */
    async apply(
      wanted: Record<RetentionTable, number>,
      actor = 'system',
    ): Promise<{ table: RetentionTable; from: number | null; to: number }[]> {
      const before = await current();
      const changes: { table: RetentionTable; from: number | null; to: number }[] = [];
      for (const t of RETENTION_TABLE_NAMES) {
        const days = wanted[t];
        if (!Number.isInteger(days) || days < 0 || days > 36_500)
          throw new RangeError(`retention of ${t}: 0..36500 days`);
        const ttlFor = (expr: string) =>
          days > 0 ? `MODIFY TTL ${expr} + toIntervalDay(${days})` : 'REMOVE TTL';
        for (const c of COMPANIONS[t] ?? []) {
          if (before.get(c.table) === days) continue;
          await alterTtl(c.table, ttlFor(c.expr), days);
          await record(c.table, days, actor, before.get(c.table) ?? null, RETENTION_TABLES[t].requiredDays);
        }
        if (before.get(t) === days) continue;
        await alterTtl(t, ttlFor(RETENTION_TABLES[t].expr), days);
        await record(t, days, actor, before.get(t) ?? null, RETENTION_TABLES[t].requiredDays);
        changes.push({ table: t, from: before.get(t) ?? null, to: days });
      }
      return changes;
    },
  };
}
export type RetentionRepo = ReturnType<typeof createRetentionRepo>;
