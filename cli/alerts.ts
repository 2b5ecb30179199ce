import type { AgentEvent, Alert } from '../schema/index.js';
import { parseCommandArgs } from './args.js';
import type { WardEnv } from './env.js';
import { cliServer, serverError } from './server-client.js';

export const USAGE = `usage: ward alerts list [--status open|acknowledged|resolved|false_positive] [--severity S] [--session ID]
                       [--agent A] [--detector D] [--sort time|severity|risk] [--limit N] [--json]
       ward alerts show ID [--json]
       ward alerts ack ID [--note TEXT] [--assignee NAME]
       ward alerts resolve ID [--note TEXT] [--false-positive]
  [--server URL] [--data DIR]   token: WARD_TOKEN (analyst), else WARD_ADMIN_TOKEN, else DIR/admin-token
`;

// Terminal output must not let stored text (commands an agent chose) move the cursor or recolour the screen.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;
const inert = (s: string) => s.replace(CONTROL, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);

function line(a: Alert): string {
  return inert(
    `${a.alert_id}  ${a.severity.toUpperCase().padEnd(8)} ${a.status.padEnd(14)} risk ${a.score.toFixed(2)}  ${a.title}  (${a.agent} ${a.session_id}, ${a.evidence_count} action${a.evidence_count === 1 ? '' : 's'})`,
  );
}

function detail(a: Alert, events: AgentEvent[]): string {
  const out = [
    line(a),
    `  detector ${a.rule_id}  ATT&CK ${a.attack_ids.join(', ') || '-'}`,
    `  user ${a.user || '-'}  repo ${a.repo || '-'}  first ${a.first_seen}  last ${a.last_seen}`,
    ...(a.assignee ? [`  assignee ${a.assignee}`] : []),
    '  why:',
    ...a.explanation.map((f) => `    - ${f.text}`),
    '  evidence:',
    ...events
      .slice(0, 50)
      .map((e) => `    ${e.time}  ${e.kind.padEnd(14)} ${e.command || e.target || e.event_name}`),
    ...(a.history.length
      ? [
          '  history:',
          ...a.history.map(
            (h) => `    ${h.time} ${h.by}: ${h.from} -> ${h.to}${h.note ? ` (${h.note})` : ''}`,
          ),
        ]
      : []),
    ...(a.notes.length ? ['  notes:', ...a.notes.map((n) => `    ${n.time} ${n.by}: ${n.text}`)] : []),
  ];
  return out.map(inert).join('\n');
}

/** `ward alerts`: list, show and triage the analyzer's alerts from a terminal. */
export async function main(args: string[], env: WardEnv): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(args);
  } catch (err) {
    process.stderr.write(`ward alerts: ${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [action, id] = positionals;
  try {
    const server = cliServer(env, { server: values.server, data: values.data, prefer: env.token });
    if (action === 'list') {
      const q = new URLSearchParams();
      for (const k of ['status', 'severity', 'session', 'agent', 'detector', 'sort', 'limit'] as const) {
        const v = values[k];
        if (v) q.set(k, v);
      }
      const res = await server.call('GET', `/api/alerts?${q}`);
      if (res.status >= 400) return fail(res);
      const { alerts } = JSON.parse(res.text) as { alerts: Alert[] };
      if (values.json) process.stdout.write(`${JSON.stringify(alerts, null, 2)}\n`);
      else if (alerts.length === 0) process.stdout.write('no alerts\n');
      else process.stdout.write(`${alerts.map(line).join('\n')}\n`);
      return 0;
    }
    if (action === 'show' && id) {
      const res = await server.call('GET', `/api/alerts/${encodeURIComponent(id)}`);
      if (res.status >= 400) return fail(res);
      const { alert, events } = JSON.parse(res.text) as { alert: Alert; events: AgentEvent[] };
      process.stdout.write(
        values.json ? `${JSON.stringify({ alert, events }, null, 2)}\n` : `${detail(alert, events)}\n`,
      );
      return 0;
    }
    if ((action === 'ack' || action === 'resolve') && id) {
      const status =
        action === 'ack' ? 'acknowledged' : values['false-positive'] ? 'false_positive' : 'resolved';
      const res = await server.call('POST', `/api/alerts/${encodeURIComponent(id)}/status`, {
        status,
        ...(values.note ? { note: values.note } : {}),
        ...(values.assignee ? { assignee: values.assignee } : {}),
      });
      if (res.status >= 400) return fail(res);
      const { alert } = JSON.parse(res.text) as { alert: Alert };
      process.stdout.write(`${line(alert)}\n`);
      return 0;
    }
  } catch (err) {
    const message = (err as Error).message;
    process.stderr.write(`ward alerts: ${inert(message)}\n`);
    return message.startsWith('no token') ? 2 : 1;
  }
  process.stderr.write(USAGE);
  return 2;
}

function fail(res: { status: number; text: string }): number {
  process.stderr.write(`ward alerts: ${inert(serverError(res))}\n`);
  return 1;
}

function parse(args: string[]) {
  return parseCommandArgs(args, {
    status: { type: 'string' },
    severity: { type: 'string' },
    session: { type: 'string' },
    agent: { type: 'string' },
    detector: { type: 'string' },
    sort: { type: 'string' },
    limit: { type: 'string' },
    note: { type: 'string' },
    assignee: { type: 'string' },
    'false-positive': { type: 'boolean' },
    json: { type: 'boolean' },
    server: { type: 'string' },
    data: { type: 'string', default: '.ward-data' },
  });
}
