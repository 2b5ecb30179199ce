import { randomUUID } from 'node:crypto';
import type { Approval, GrantRecord, GrantRule } from '../../schema/index.js';
import type { Store } from '../../store/index.js';
import { grantEvent } from './approval-event.js';

type Scope = 'session' | 'project';

/**
 * Turns approvals with scope session or project into "always allow" grants: whether one may be made (the
 * runner's gate offered it, and the gate's rules agree here), and making it (stored, audited, an event).
 */
export function createGrantMaker(deps: {
  store: Pick<Store, 'grants' | 'audit' | 'events'>;
  /** Without it no grant is ever made. */
  rule?: GrantRule;
  /** The server's risk score for a command; without it no grant is made (the runner's claim is not trusted). */
  riskOf?: (command: string) => Promise<number>;
  redact: (text: string) => string;
}) {
  const { store, redact } = deps;
  return {
    /** The prefix an approve with this scope grants for the request, or why it grants nothing. */
    async plan(
      a: Approval,
      scope: Scope,
    ): Promise<{ prefix: string[]; maxRisk: number } | { refused: string }> {
      if (!a.grantable)
        return {
          refused:
            "the runner's gate offered no grant for this command (interpreters, wrappers, pipelines, tool calls and escalated asks are approved once)",
        };
      if (scope === 'project' && !a.project)
        return {
          refused: 'the request names no project (workspace path), so a project grant would cover nothing',
        };
      if (!deps.rule || !deps.riskOf)
        return { refused: 'this server has no grant rules (started without the gate)' };
      if (!a.requester_id)
        return { refused: 'the request carries no requester token, so a grant could not be bound to it' };
      try {
        const r = await deps.rule(a.command);
        if (!r.ok) return { refused: r.reason };
        // The ceiling is the server's own score of the approved command, never the runner's claim.
        return { prefix: r.prefix, maxRisk: await deps.riskOf(a.command) };
      } catch (err) {
        return { refused: `the grant rules failed: ${err instanceof Error ? err.message : String(err)}` };
      }
    },

    /** Stores the grant, with an audit record and a `ward.grant.created` event. */
    async create(
      a: Approval,
      plan: { prefix: string[]; maxRisk: number },
      scope: Scope,
    ): Promise<GrantRecord> {
      const { prefix } = plan;
      const grant: GrantRecord = {
        id: randomUUID(),
        prefix,
        max_risk: plan.maxRisk,
        scope,
        session_id: a.session_id,
        project: scope === 'project' ? (a.project ?? '') : '',
        granted_by: a.decided_by,
        granted_at: a.decided_at,
        reason: redact(a.decision_reason),
        approval_id: a.id,
        command: redact(a.command),
        requester_id: a.requester_id,
      };
      await store.grants.create(grant);
      await Promise.all([
        store.audit.append({
          actor: a.decided_by,
          action: 'grant.created',
          target: grant.id,
          details: {
            approval_id: a.id,
            scope,
            session_id: grant.session_id,
            project: grant.project,
            prefix,
            max_risk: grant.max_risk,
            requester_id: grant.requester_id,
            command: grant.command,
            reason: grant.reason,
          },
        }),
        store.events.insert([grantEvent(grant, a)]),
      ]);
      return grant;
    },
  };
}
