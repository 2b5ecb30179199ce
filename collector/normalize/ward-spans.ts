import { valueToString } from '../../schema/fast.js';
import type { OtlpAttributes, OtlpSpanEvent, OtlpValue } from '../../schema/index.js';
import { WARD, WARD_SPAN_EVENTS, WARD_SPANS } from '../../schema/index.js';
import type { Draft } from './build.js';
import { normalizeDecision } from './decision.js';
import { spanSuccess } from './genai-spans.js';
import type { SpanInput } from './inputs.js';
import { nanosDiffMs } from './time.js';
import { argvToCommand } from './tools.js';
import { int, num, str } from './values.js';

/**
 * Ward's own runner spans. `ward.exec` gives one `command` event, plus one `network` event per
 * network-attempt span event, one `sandbox_violation` per violation event and one `file_write` per file
 * change; `ward.approval` gives a `tool_decision` (the sender's report, not the server's approval record).
 * Tolerant: an attribute the runner did not set becomes null / '' and is named in `missing`.
 */

function commandText(attrs: OtlpAttributes): string {
  const cmd = str(attrs, WARD.command);
  if (cmd !== '') return cmd;
  let argv: OtlpValue | undefined = attrs[WARD.argv];
  if (typeof argv === 'string' && argv.startsWith('[')) {
    try {
      argv = JSON.parse(argv) as OtlpValue;
    } catch {
      return argv as string;
    }
  }
  if (Array.isArray(argv)) return argvToCommand(argv);
  return typeof argv === 'string' ? argv : '';
}

function hostPort(attrs: OtlpAttributes): string {
  const host = str(attrs, WARD.netHost, 'server.address', 'net.peer.name');
  const port = str(attrs, WARD.netPort, 'server.port', 'net.peer.port');
  if (host === '') return '';
  const h = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return port === '' ? h : `${h}:${port}`;
}

function networkDraft(attrs: OtlpAttributes, eventName: string, command: string): Draft {
  const target = hostPort(attrs);
  const raw = str(attrs, WARD.netDecision, WARD.decision);
  const missing: string[] = [];
  if (target === '') missing.push('target');
  if (raw === '') missing.push('decision');
  return {
    kind: 'network',
    event_name: eventName,
    command,
    target,
    decision: decisionOf(raw),
    decision_source: str(attrs, WARD.decisionSource) || (raw === '' ? '' : 'ward-proxy'),
    bytes_in: num(attrs, WARD.netBytesIn),
    bytes_out: num(attrs, WARD.netBytesOut),
    missing,
    consumed: [WARD.netHost, WARD.netPort, WARD.netBytesIn, WARD.netBytesOut],
  };
}

/** Ward's own vocabulary (allowed/blocked/…) beyond the agents' words. */
function rawDecision(raw: string): '' | 'allow' | 'deny' | 'ask' {
  const s = raw.toLowerCase();
  if (s.startsWith('allow') || s === 'pass' || s === 'permitted') return 'allow';
  if (s.startsWith('den') || s.startsWith('block') || s === 'refused' || s === 'killed') return 'deny';
  return '';
}

function decisionOf(raw: string): '' | 'allow' | 'deny' | 'ask' {
  return normalizeDecision(raw) || rawDecision(raw);
}

function subEvent(event: OtlpSpanEvent, index: number, command: string): Draft | null {
  const a = event.attributes;
  const base = { timeNanos: event.timeUnixNano, extra: a, subKey: `${event.name}#${index}` };
  if (event.name === WARD_SPAN_EVENTS.network) {
    return { ...networkDraft(a, event.name, command), ...base };
  }
  if (event.name === WARD_SPAN_EVENTS.violation) {
    const target = str(a, WARD.violationDetail, 'path', WARD.netHost);
    return {
      ...base,
      kind: 'sandbox_violation',
      event_name: event.name,
      command,
      target,
      decision: 'deny',
      decision_source: 'sandbox',
      missing: target === '' ? ['target'] : [],
      consumed: [WARD.violationDetail],
    };
  }
  if (event.name === WARD_SPAN_EVENTS.fileChange) {
    const target = str(a, WARD.filePath, 'path', 'file.path');
    return {
      ...base,
      kind: 'file_write',
      event_name: event.name,
      command,
      target,
      missing: target === '' ? ['target'] : [],
      consumed: [WARD.filePath],
    };
  }
  return null;
}

function execDrafts({ span, attrs }: SpanInput): Draft[] {
  const command = commandText(attrs);
  const exit = int(attrs, WARD.exitCode);
  const rawDecisionText = str(attrs, WARD.decision);
  const missing: string[] = [];
  if (command === '') missing.push('command');
  if (exit === null && attrs[WARD.ran] !== false) missing.push('exit_code');
  if (rawDecisionText === '') missing.push('decision');
  // A command the gate refused never ran: a decision (as for every agent), not a command.
  const ran = attrs[WARD.ran] !== false && attrs[WARD.ran] !== 'false';
  const drafts: Draft[] = [
    {
      kind: ran ? 'command' : 'tool_decision',
      event_name: span.name,
      tool: 'ward.exec',
      command,
      cwd: str(attrs, WARD.cwd) || undefined,
      decision: decisionOf(rawDecisionText),
      decision_source: str(attrs, WARD.decisionSource),
      exit_code: exit,
      duration_ms: num(attrs, WARD.durationMs) ?? nanosDiffMs(span.startTimeUnixNano, span.endTimeUnixNano),
      success: exit !== null ? exit === 0 : spanSuccess(span),
      missing,
      consumed: [WARD.command, WARD.exitCode, WARD.durationMs, WARD.decisionSource, WARD.cwd],
      subKey: 'command',
    },
  ];
  let fileEvents = 0;
  span.events.forEach((event, i) => {
    const d = subEvent(event, i, command);
    if (!d) return;
    if (d.kind === 'file_write') fileEvents++;
    drafts.push(d);
  });
  // Without per-file events, a `ward.file_changes` list gives one file_write each.
  if (fileEvents === 0) {
    changedPaths(attrs[WARD.fileChanges]).forEach((target, i) => {
      if (target === '') return;
      drafts.push({
        kind: 'file_write',
        event_name: WARD_SPAN_EVENTS.fileChange,
        command,
        target,
        subKey: `file#${i}`,
      });
    });
  }
  return drafts;
}

/** Files the runner lists per command (sandbox-runner/telemetry/span-record.ts). */
const MAX_CHANGED_PATHS = 5_000;
/** One `"path":"…"` member of a list cut short: the JSON string literal, escapes and all. */
const CUT_PATH_ENTRY = /"path":("(?:[^"\\]|\\.)*")/g;

/**
 * The paths of a `ward.file_changes` value: the runner sends the list as JSON text of `{ path, change }` objects
 * (an OTLP attribute holds no objects); an array of paths counts too. Anything else lists nothing.
 */
function changedPaths(value: unknown): string[] {
  let list: unknown = value;
  if (typeof value === 'string') {
    try {
      list = JSON.parse(value);
    } catch {
      // Cut short on the way (a value past the decode limits): the entries that arrived whole still count.
      const paths: string[] = [];
      for (const m of value.matchAll(CUT_PATH_ENTRY)) {
        if (paths.push(JSON.parse(m[1] as string)) >= MAX_CHANGED_PATHS) break;
      }
      return paths;
    }
  }
  if (!Array.isArray(list)) return [];
  return list.slice(0, MAX_CHANGED_PATHS).map((c) => {
    const path =
      c !== null && typeof c === 'object' && !Array.isArray(c) ? (c as { path?: unknown }).path : c;
    return typeof path === 'string' ? path : valueToString(path);
  });
}

export function normalizeWardSpan(input: SpanInput): Draft[] | null {
  const { span, attrs } = input;
  switch (span.name) {
    case WARD_SPANS.command:
      return execDrafts(input);
    case WARD_SPANS.network:
      return [
        {
          ...networkDraft(attrs, span.name, commandText(attrs)),
          duration_ms: nanosDiffMs(span.startTimeUnixNano, span.endTimeUnixNano),
        },
      ];
    case WARD_SPANS.approval: {
      const raw = str(attrs, WARD.approvalStatus, WARD.decision);
      // A decision its sender reports, never an approval: kind `approval` is what the server's approval service
      // recorded (who decided, when). Ward's runner sends no such span; taken for one, a runner token could put
      // "approved by alice" into a timeline beside the real records.
      return [
        {
          kind: 'tool_decision',
          event_name: span.name,
          command: commandText(attrs),
          decision: decisionOf(raw),
          decision_source: str(attrs, WARD.decisionSource) || raw,
          duration_ms: nanosDiffMs(span.startTimeUnixNano, span.endTimeUnixNano),
          missing: raw === '' ? ['decision'] : [],
          consumed: [WARD.command],
        },
      ];
    }
    default:
      return null;
  }
}
