import { GEN_AI, OTEL, WARD, WARD_SPAN_EVENTS, WARD_SPANS } from '../../schema/fast.js';
import type { Attrs, SessionPlan, SessionTelemetry, SpanSpec } from '../types.js';
import { deploymentAttrs } from './common.js';

/**
 * Ward's own runner (`ward exec` in CI): one `ward.exec` span per command with the ward.* attributes of
 * sandbox-runner/telemetry/span-record.ts, network attempts and sandbox violations as span events, and
 * the gate's decision; a denied command never runs (exit 126).
 */

const VERSION = '0.1.0';

export function wardRunnerTelemetry(plan: SessionPlan): SessionTelemetry {
  const spans: SpanSpec[] = [];
  for (const { step, atMs, durationMs } of plan.steps) {
    if (step.do !== 'shell') continue;
    const denied = step.gate?.decision === 'deny';
    const exit = step.exit ?? 0;
    const endMs = atMs + (denied ? 3 : durationMs);
    const attributes: Attrs = {
      [GEN_AI.operationName]: 'execute_tool',
      [GEN_AI.toolName]: 'shell',
      [GEN_AI.agentName]: 'ci',
      [GEN_AI.conversationId]: plan.sessionId,
      [OTEL.sessionId]: plan.sessionId,
      [OTEL.processCwd]: plan.cwd,
      [WARD.sessionId]: plan.sessionId,
      [WARD.agent]: 'ci',
      [WARD.command]: step.cmd,
      [WARD.argv]: ['bash', '-lc', step.cmd],
      [WARD.cwd]: plan.cwd,
      [WARD.workspace]: plan.cwd,
      [WARD.exitCode]: exit,
      [WARD.durationMs]: endMs - atMs,
      [WARD.sandboxed]: true,
      [WARD.ran]: !denied,
      [WARD.networkAttempts]: JSON.stringify(step.net ?? []),
      [WARD.fileChanges]: '[]',
    };
    if (step.gate) {
      attributes[WARD.decision] = step.gate.decision;
      attributes[WARD.decisionSource] = 'gate';
      attributes[WARD.ruleIds] = [step.gate.rule];
    }
    const events: NonNullable<SpanSpec['events']> = [];
    for (const [i, n] of (step.net ?? []).entries()) {
      events.push({
        name: WARD_SPAN_EVENTS.network,
        timeMs: atMs + Math.round(((i + 1) * durationMs) / 4),
        attributes: { [WARD.netHost]: n.host, [WARD.netPort]: n.port, [WARD.netDecision]: n.decision },
      });
    }
    if (step.violation) {
      events.push({
        name: WARD_SPAN_EVENTS.violation,
        timeMs: endMs,
        attributes: {
          [WARD.violationKind]: step.violation.kind,
          [WARD.violationDetail]: step.violation.detail,
        },
      });
    }
    spans.push({
      scope: 'ward.sandbox-runner',
      name: WARD_SPANS.command,
      startMs: atMs,
      endMs,
      attributes,
      events,
      error: exit !== 0,
    });
  }
  return {
    plan,
    encoding: 'json',
    resource: {
      'service.name': 'ward',
      'service.version': VERSION,
      ...deploymentAttrs(plan),
      'user.name': plan.person.user,
    },
    logs: [],
    spans,
  };
}
