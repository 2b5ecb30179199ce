import type { Approval } from '../../schema/index.js';
import type { ApprovalLifecycle } from './approval-lifecycle.js';
import type { ApprovalServiceDeps } from './service-types.js';

/**
 * Decisions of the last day without their audit record: the process stopped after the row was stored and
 * before the trail took its record (which it kept retrying in memory). Each is recorded now, marked late, and
 * until then no reader sees it decided (it is held as at decide time, and retried if the trail still
 * refuses). With several instances, only decisions older than a minute: younger ones may be another
 * instance's, whose record is on its way. Only people's decisions: the server's own refusals, which a runner
 * can cause by the hundred, are recorded before their row is read back and would crowd the window.
 */
export async function recordUnrecorded(
  store: ApprovalServiceDeps['store'],
  life: Pick<ApprovalLifecycle, 'hold' | 'audited' | 'keepRecording' | 'finished'>,
): Promise<number> {
  const { hold, audited, keepRecording, finished } = life;
  const now = Date.now();
  const since = new Date(now - 24 * 3_600_000).toISOString();
  const until = new Date(store.approvals.soleWriter ? now + 60_000 : now - 60_000).toISOString();
  const decided = await store.approvals.decidedBetween(since, until, 10_000);
  if (decided.length === 0) return 0;
  const records = await store.audit.decisionRecords(decided.map((a) => a.id));
  // On the trail: more records of the row's own decision than records saying one was not stored (a record of
  // an earlier decision that failed to store does not count).
  const onTrail = (a: Approval) =>
    records.reduce(
      (n, r) =>
        r.target === a.id && r.status === a.status ? n + (r.action === 'approval.decided' ? 1 : -1) : n,
      0,
    ) > 0;
  let late = 0;
  for (const a of decided) {
    if (onTrail(a)) continue;
    late++;
    const before: Approval = {
      ...a,
      status: 'pending',
      scope: '',
      decided_by: '',
      decided_at: '',
      decision_reason: '',
    };
    const release = hold(a.id, before);
    const extra = { after_restart: 'true' };
    await audited(a, 'decided', a.decided_by, { ...extra, recorded_late: 'true' }).then(release, () =>
      keepRecording(a, a.decided_by, extra, release, () => finished(a)),
    );
  }
  return late;
}
