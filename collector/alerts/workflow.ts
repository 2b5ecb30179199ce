import { randomUUID } from 'node:crypto';
import type { Alert, AlertStatus, Suppression } from '../../schema/index.js';
import type { Store } from '../../store/index.js';

export interface StatusChange {
  status: AlertStatus;
  note?: string | undefined;
  assignee?: string | undefined;
}

/** Detector kinds whose false positives are silenced per scope (signatures and sequences are fixed in rules). */
const SUPPRESSIBLE = /^(novelty|baseline)\./;

/**
 * Analysts' side of alerts: status changes with notes, assignee and history, each audited; a false positive
 * on a novelty or baseline alert creates a suppression scoped to the alert's repo (else user, else agent).
 */
export function createAlertWorkflow(store: Pick<Store, 'alerts' | 'audit' | 'analyzer'>) {
  // Changes to one alert are serialized in this process (read, merge, write).
  const chains = new Map<string, Promise<unknown>>();
  function serialized<T>(id: string, fn: () => Promise<T>): Promise<T> {
    const prev = chains.get(id) ?? Promise.resolve();
    const next = prev.then(fn, fn);
    chains.set(
      id,
      next.catch(() => {}),
    );
    void next.finally(() => {
      if (chains.get(id) === next) chains.delete(id);
    });
    return next;
  }

  async function suppress(alert: Alert, by: string, note: string): Promise<Suppression | null> {
    if (!SUPPRESSIBLE.test(alert.rule_id)) return null;
    const scope = alert.repo ? 'repo' : alert.user ? 'user' : 'agent';
    const scopeValue = scope === 'repo' ? alert.repo : scope === 'user' ? alert.user : alert.agent;
    const values = alert.explanation
      .map((f) => f.rule ?? '')
      .filter((r) => r.startsWith(`${alert.rule_id}:`))
      .map((r) => r.slice(alert.rule_id.length + 1));
    const s: Suppression = {
      id: randomUUID(),
      detector: alert.rule_id,
      scope,
      scope_value: scopeValue,
      // One value when the alert is about one; else the detector for this scope.
      value: values.length === 1 ? (values[0] as string) : '',
      created_by: by,
      created_at: new Date().toISOString(),
      reason: note,
      alert_id: alert.alert_id,
    };
    await store.analyzer.addSuppression(s);
    await store.audit.append({ actor: by, action: 'suppression.created', target: s.id, details: s });
    return s;
  }

  async function change(id: string, c: StatusChange, by: string): Promise<Alert | null> {
    return serialized(id, async () => {
      const done = await store.alerts.update(id, {
        by,
        status: c.status,
        assignee: c.assignee,
        note: c.note,
      });
      if (!done) return null;
      const { before: current, after } = done;
      await store.audit.append({
        actor: by,
        action: 'alert.status',
        target: id,
        details: { from: current.status, to: c.status, note: c.note ?? '', assignee: c.assignee ?? '' },
      });
      if (c.status === 'false_positive' && current.status !== 'false_positive')
        await suppress(current, by, c.note ?? '');
      return after;
    });
  }

  return {
    change,
    async bulk(ids: readonly string[], c: StatusChange, by: string): Promise<number> {
      let n = 0;
      for (const id of new Set(ids)) if (await change(id, c, by)) n++;
      return n;
    },
  };
}
export type AlertWorkflow = ReturnType<typeof createAlertWorkflow>;
