import { createHash } from 'node:crypto';
import {
  type AgentEvent,
  type Approval,
  type Decision,
  emptyAgentEvent,
  type GrantRecord,
  SENDER_ATTRS,
  toCanonicalIso,
  WARD,
} from '../../schema/index.js';

/** One step of an approval's life. */
export type ApprovalStep = 'requested' | 'decided' | 'expired';

const DECISION: Record<Approval['status'], Decision> = {
  pending: 'ask',
  approved: 'allow',
  denied: 'deny',
  expired: 'deny',
};

/** Who made the decision, as `agent_events.decision_source` says it. */
export function decisionSource(a: Approval, step: ApprovalStep): string {
  if (step === 'requested') return 'ward-gate';
  if (step === 'expired') return 'timeout';
  return `user:${a.decided_by}`;
}

/** The `agent_events` row (kind `approval`) recording one step; its id is stable per approval and step. */
export function approvalEvent(a: Approval, step: ApprovalStep): AgentEvent {
  const time = step === 'requested' ? a.created_at : a.decided_at || new Date().toISOString();
  const attributes: Record<string, string> = {
    [WARD.approvalId]: a.id,
    [WARD.approvalStatus]: a.status,
    [WARD.risk]: String(a.risk),
    [WARD.ruleIds]: a.reasons.map((r) => r.rule_id).join(','),
  };
  if (a.scope) attributes[WARD.approvalScope] = a.scope;
  if (a.decided_by) attributes[WARD.approvalDecidedBy] = a.decided_by;
  // The runner's token sent the request: it is the row's sender, as for the telemetry that token sends.
  if (a.requester_id) attributes[SENDER_ATTRS.id] = a.requester_id;
  if (a.decision_reason) attributes[WARD.approvalReason] = a.decision_reason;
  return {
    ...emptyAgentEvent(),
    event_id: createHash('sha256').update(`approval\0${a.id}\0${step}`).digest('hex').slice(0, 32),
    time: toCanonicalIso(time),
    raw_time: toCanonicalIso(time),
    agent: a.agent,
    session_id: a.session_id,
    user_id: a.requested_by,
    cwd: a.cwd,
    kind: 'approval',
    event_name: `ward.approval.${step}`,
    call_id: a.id,
    command: a.command,
    decision: DECISION[a.status],
    decision_source: decisionSource(a, step),
    attributes,
  };
}

/** The `agent_events` row (kind `approval`, `ward.grant.created`) recording the grant an approval made. */
export function grantEvent(g: GrantRecord, a: Approval): AgentEvent {
  const time = toCanonicalIso(g.granted_at);
  return {
    ...emptyAgentEvent(),
    event_id: createHash('sha256').update(`grant\0${g.id}`).digest('hex').slice(0, 32),
    time,
    raw_time: time,
    agent: a.agent,
    session_id: a.session_id,
    user_id: g.granted_by,
    cwd: a.cwd,
    kind: 'approval',
    event_name: 'ward.grant.created',
    call_id: a.id,
    command: g.command,
    decision: 'allow',
    decision_source: `user:${g.granted_by}`,
    attributes: {
      [WARD.approvalId]: a.id,
      [WARD.grantId]: g.id,
      [WARD.grantPrefix]: g.prefix.join(' '),
      [WARD.grantScope]: g.scope,
      [WARD.risk]: String(g.max_risk),
      ...(g.reason ? { [WARD.approvalReason]: g.reason } : {}),
      ...(g.requester_id ? { [SENDER_ATTRS.id]: g.requester_id } : {}),
    },
  };
}
