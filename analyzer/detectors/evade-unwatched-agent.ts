import { describe } from '../behaviour.js';
import { NO_HITS, type StreamDetector } from '../detector.js';
import { lossNote } from '../mark-losses.js';
import type { Observation } from '../observation.js';

const SET = 'telemetry-env';
/** How long a shell's environment is taken to last. */
const thresholds = { window_s: 24 * 3600 } as const;

/**
 * A variable that says whether or where an agent's telemetry goes: the OpenTelemetry SDK's switch, exporters,
 * endpoints and their headers (the collector's token), and the agents' own switches.
 */
const TELEMETRY_VARIABLE =
  /\b(OTEL_SDK_DISABLED|OTEL_[A-Z_]*(EXPORTER|ENDPOINT|HEADERS)|CLAUDE_CODE_ENABLE_TELEMETRY|GEMINI_TELEMETRY_[A-Z_]+|CODEX_OTEL_[A-Z_]+)\b/;
/** Set (`export X=`, `X=… cmd`, `env X=`, `set -x X`, `setenv X`) or removed (`unset X`, `env -u X`). */
const SETS = new RegExp(
  `${TELEMETRY_VARIABLE.source}=|\\b(unset|env\\s+-u|set\\s+-e|set\\s+-x|setenv)\\s+([\\w\\s-]*\\s)?${TELEMETRY_VARIABLE.source}`,
);
/** The coding agents Ward watches, as programs (and as the packages npx or a runner fetches). */
const AGENT_PROGRAM = /^(claude|codex|gemini)$/;
const AGENT_PACKAGE = /^(@anthropic-ai\/claude-code|@openai\/codex|@google\/gemini-cli)(@|$)/;

const basename = (p: string) => p.slice(p.lastIndexOf('/') + 1);
const runsAgent = (obs: Observation) =>
  obs.facts.binaries.some((b) => AGENT_PROGRAM.test(basename(b))) ||
  obs.facts.argv.some((w) => AGENT_PACKAGE.test(w));

/**
 * An agent started by the session after the session changed where telemetry goes (or in the same command): that
 * agent's actions never reach Ward, so what it does is unwatched.
 */
export const unwatchedAgent: StreamDetector = {
  id: 'evade.unwatched-agent',
  title: 'Agent started with its telemetry redirected',
  description:
    'The session set or removed a variable that decides whether or where telemetry goes (OTEL_SDK_DISABLED, ' +
    'OTEL_*_EXPORTER, OTEL_EXPORTER_OTLP_*ENDPOINT or HEADERS, CLAUDE_CODE_ENABLE_TELEMETRY, GEMINI_TELEMETRY_*) ' +
    'and started a coding agent (claude, codex, gemini) with that environment: whatever the nested agent does is ' +
    'not seen.',
  severity: 'high',
  attack: ['T1562.006', 'T1562.001'],
  falsepositives: [
    "Testing an agent's telemetry set-up against a local collector on request",
    'A session whose telemetry setting the analyzer forgot (a flood, a rebuild) starting an agent: said so in the alert',
  ],
  triage:
    'Where did the nested agent send its telemetry, and what did it do? Check the machine for changes made while it ' +
    'ran and restore the telemetry settings.',
  thresholds,
  kind: 'sequence',
  storedMarks: [SET],
  fixtures: {
    positive: {
      session: [
        { kind: 'command', command: 'export OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:1', t: 0 },
        { kind: 'command', command: 'claude -p "finish the task"', t: 20 },
      ],
    },
    negative: {
      session: [
        {
          kind: 'command',
          command: 'OTEL_EXPORTER_OTLP_ENDPOINT=http://localhost:4318 npm run dev',
          t: 0,
        },
        { kind: 'command', command: 'codex --version', t: 20 },
      ],
    },
  },
  observe(obs, s) {
    if (obs.actionClass !== 'exec' || obs.denied) return NO_HITS;
    const command = obs.event.command;
    const agent = runsAgent(obs);
    // `X=… npm run dev` sets it for that command only; an export, unset or an agent's own prefix lasts.
    const sets = SETS.test(command);
    if (sets && /\b(export|unset|setenv|set)\b/.test(command)) s.mark(SET, obs);
    if (!agent || /^\s*\S+\s+(--version|-v|--help|-h)\s*$/.test(command)) return NO_HITS;
    if (sets) return [hit(this.id, [obs], `${describe(obs)} starts an agent with its telemetry changed`)];
    const windowMs = thresholds.window_s * 1000;
    const set = s.marksOf(SET).filter((m) => m.timeMs <= obs.timeMs && obs.timeMs - m.timeMs <= windowMs);
    const last = set[set.length - 1];
    if (last)
      return [hit(this.id, [last.obs, obs], `${describe(obs)} starts an agent after ${describe(last.obs)}`)];
    const loss = s.lost.since(SET, obs.timeMs - windowMs);
    if (loss)
      return [
        hit(this.id, [obs], `${describe(obs)}; ${lossNote(loss, 'a telemetry setting this session made')}`),
      ];
    return NO_HITS;
  },
};

function hit(detector: string, evidence: Observation[], text: string) {
  return { detector, evidence, factors: [{ rule: detector, text }] };
}
