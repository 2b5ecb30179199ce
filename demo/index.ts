import { claudeCodeTelemetry } from './agents/claude-code.js';
import { codexTelemetry } from './agents/codex.js';
import { geminiCliTelemetry } from './agents/gemini-cli.js';
import { wardRunnerTelemetry } from './agents/ward-runner.js';
import { planDemo } from './plan.js';
import { sendSession, type Target } from './send.js';
import type { DemoAgent, SessionPlan, SessionTelemetry } from './types.js';

export { planDemo, planSession } from './plan.js';
export { createRng, type Rng } from './rng.js';
export { CI_PERSON, PEOPLE, REPOS } from './scenarios.js';
export { emitLogs, sendSession } from './send.js';
export type {
  DemoAgent,
  LogSpec,
  Person,
  Repo,
  SessionPlan,
  SessionTelemetry,
  Step,
  Story,
} from './types.js';

/** One planned session's telemetry in its agent's native shape. */
export function sessionTelemetry(plan: SessionPlan): SessionTelemetry {
  return PROFILES[plan.agent](plan);
}

const PROFILES: Record<DemoAgent, (plan: SessionPlan) => SessionTelemetry> = {
  codex: codexTelemetry,
  'claude-code': claudeCodeTelemetry,
  'gemini-cli': geminiCliTelemetry,
  ward: wardRunnerTelemetry,
};

export interface DemoOptions extends Target {
  /** Same seed and clock, same sessions; default: a random seed (reported in the result). */
  seed?: number;
  /** The clock the sessions are spread back from (ms since epoch); default now. */
  nowMs?: number;
  /** Sessions in flight at once. */
  concurrency?: number;
}

export interface DemoSessionResult {
  agent: DemoAgent;
  sessionId: string;
  story: string;
  attack: boolean;
  user: string;
  host: string;
  repo: string;
  records: number;
}

export interface DemoResult {
  seed: number;
  sessions: number;
  records: number;
  perSession: DemoSessionResult[];
}

/** Every session's telemetry for a seed and clock, without sending (for tests and previews). */
export function buildDemo(seed: number, nowMs: number): SessionTelemetry[] {
  return planDemo(seed, nowMs).map((plan) => PROFILES[plan.agent](plan));
}

/** Sends realistic agent sessions (benign and attacks) to a Ward server through its OTLP endpoint. */
export async function runDemo(opts: DemoOptions): Promise<DemoResult> {
  const seed = opts.seed ?? Math.floor(Math.random() * 2 ** 31);
  const sessions = buildDemo(seed, opts.nowMs ?? Date.now());
  const perSession: DemoSessionResult[] = new Array(sessions.length);
  let next = 0;
  const worker = async () => {
    while (next < sessions.length) {
      const i = next++;
      const t = sessions[i]!;
      const records = await sendSession(t, opts);
      const { plan } = t;
      perSession[i] = {
        agent: plan.agent,
        sessionId: plan.sessionId,
        story: plan.story.id,
        attack: plan.story.attack,
        user: plan.person.user,
        host: plan.person.host,
        repo: plan.repo.url,
        records,
      };
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, opts.concurrency ?? 4) }, worker));
  return {
    seed,
    sessions: perSession.length,
    records: perSession.reduce((n, s) => n + s.records, 0),
    perSession,
  };
}

/** A short table of what was sent. */
export function formatDemoSummary(result: DemoResult, server: string): string {
  const lines = result.perSession.map(
    (s) =>
      `  ${s.agent.padEnd(12)} ${s.story.padEnd(18)} ${s.attack ? 'ATTACK' : '      '} ${s.user.padEnd(7)} ${s.host.padEnd(16)} ${String(s.records).padStart(4)} records  ${s.sessionId}`,
  );
  return [
    `Sent ${result.sessions} sessions (${result.records} OTLP records) to ${server} (seed ${result.seed})`,
    ...lines,
    '',
  ].join('\n');
}
