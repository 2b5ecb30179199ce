import type { Rng } from './rng.js';

export type DemoAgent = 'codex' | 'claude-code' | 'gemini-cli' | 'ward';

/**
 * How a tool call got permission: `auto` by config or policy, `approved` / `denied` by the person at the
 * prompt, `cancelled` when the person dismissed the prompt (Codex then logs nothing, only an aborted span).
 */
export type Approval = 'auto' | 'approved' | 'denied' | 'cancelled';

/** A network connection Ward's proxy saw during a command (runner sessions only). */
export interface NetAttempt {
  host: string;
  port: number;
  decision: 'allowed' | 'blocked';
}

/** One thing the agent does; agent profiles turn it into that agent's telemetry. */
export type Step =
  | { do: 'prompt'; text: string }
  | {
      do: 'shell';
      cmd: string;
      output?: string;
      exit?: number;
      approval?: Approval;
      /** Ward runner only: decided by Ward's gate rather than by the person. */
      gate?: { decision: 'allow' | 'deny'; rule: string };
      net?: NetAttempt[];
      violation?: { kind: string; detail: string };
      /** Probability that the step happens at all (default 1). */
      maybe?: number;
    }
  | { do: 'read'; path: string; maybe?: number }
  | { do: 'edit'; path: string; approval?: Approval }
  /**
   * Any other tool by Claude Code's name (Grep, WebFetch, Write, Glob): Gemini plays it as its own tool
   * (search_file_content, web_fetch, write_file, glob); Codex, which has no such tools, runs `shell` instead.
   */
  | { do: 'tool'; name: string; input: Record<string, string>; shell?: string; approval?: Approval };

/** A session script, written once and played by any agent listed in the cast. */
export interface Story {
  id: string;
  attack: boolean;
  steps: Step[];
}

export interface Person {
  user: string;
  email: string;
  host: string;
}

export interface Repo {
  url: string;
  dir: string;
  /** Values for `{name}` placeholders in story steps. */
  vars: Record<string, string>;
}

/** A step with its place in time and its ids, placeholders filled in. */
export interface PlannedStep {
  step: Step;
  atMs: number;
  durationMs: number;
  callId: string;
}

/** One session as it will be sent: who, where, what, when. */
export interface SessionPlan {
  agent: DemoAgent;
  story: Story;
  person: Person;
  repo: Repo;
  cwd: string;
  sessionId: string;
  startMs: number;
  endMs: number;
  steps: PlannedStep[];
  /** Per-session random source for agent-specific ids (request ids, trace ids). */
  rng: Rng;
}

export type AttrValue = string | number | boolean | string[];
export type Attrs = Record<string, AttrValue>;

/** One log record to emit. `timeMs: 0` sends timeUnixNano 0 (Codex does). */
export interface LogSpec {
  scope: string;
  scopeVersion?: string;
  timeMs: number;
  observedMs: number;
  /** OTLP LogRecord.event_name (Codex puts a source location there). */
  eventName?: string;
  body?: string;
  severity?: { number: number; text: string };
  attributes: Attrs;
  trace?: { traceId: string; spanId: string };
}

/** One span to emit, with its children (parent ids are assigned by the SDK). */
export interface SpanSpec {
  scope: string;
  name: string;
  startMs: number;
  endMs: number;
  attributes: Attrs;
  events?: { name: string; timeMs: number; attributes: Attrs }[];
  error?: boolean;
  children?: SpanSpec[];
}

/** Everything one session sends: one OTel resource, one exporter per signal. */
export interface SessionTelemetry {
  plan: SessionPlan;
  encoding: 'protobuf' | 'json';
  resource: Attrs;
  logs: LogSpec[];
  spans: SpanSpec[];
}
