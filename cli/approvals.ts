import { inert, inertJson } from '../schema/fast.js';
import { parseCommandArgs } from './args.js';
import type { WardEnv } from './env.js';
import { cliServer, serverError } from './server-client.js';

const USAGE = `usage: ward approvals list [--status pending|approved|denied|expired] [--json]
       ward approvals approve ID [--scope once|session|project] [--reason TEXT]
       ward approvals deny ID [--reason TEXT]
  [--server URL] [--ca FILE] [--data DIR]   token: WARD_TOKEN (analyst), else WARD_ADMIN_TOKEN, else DIR/admin-token
  --ca FILE (or WARD_CA): PEM CA bundle to trust for an https server (NODE_EXTRA_CA_CERTS works too)
Text the requester wrote is shown with control and bidi characters escaped (\x1b, \u202e): what you read is
what would run.
`;

interface ApprovalView {
  id: string;
  created_at: string;
  expires_at: string;
  session_id: string;
  agent: string;
  command: string;
  cwd: string;
  risk: number;
  status: string;
  reasons: { rule_id: string; attack_id: string; detail: string }[];
  decided_by: string;
  decision_reason: string;
  requested_by?: string;
  requester_id?: string;
  no_grant_reason?: string | null;
  grant?: { prefix: string[]; scope: string } | null;
}

/** One approval for a terminal; every field came over the wire and most from the requester: all made inert. */
function describe(a: ApprovalView): string {
  const risk = Number.isFinite(a.risk) ? Number(a.risk).toFixed(2) : '?';
  const lines = [
    `${inert(a.id)}  ${inert(a.status).toUpperCase()}  risk ${risk}  ${inert(a.agent)} / session ${inert(a.session_id)}`,
    `  $ ${inert(a.command)}`,
    ...(a.requested_by
      ? [
          `  requested by ${inert(a.requested_by)}${a.requester_id ? ` (token ${inert(a.requester_id)})` : ''}`,
        ]
      : []),
    ...(a.cwd ? [`  in ${inert(a.cwd)}`] : []),
    ...a.reasons.map(
      (r) => `  - ${inert(r.detail)} [${inert(r.rule_id)}${r.attack_id ? ` ${inert(r.attack_id)}` : ''}]`,
    ),
  ];
  if (a.status === 'pending') lines.push(`  expires ${inert(a.expires_at)}`);
  else if (a.decided_by)
    lines.push(`  by ${inert(a.decided_by)}${a.decision_reason ? `: ${inert(a.decision_reason)}` : ''}`);
  return lines.join('\n');
}

/** `ward approvals`: the approvals queue from a terminal (analysts), until the web UI lands. */
export async function main(args: string[], env: WardEnv): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(args);
  } catch (err) {
    process.stderr.write(`ward approvals: ${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [action, id] = positionals;
  try {
    const server = cliServer(env, {
      server: values.server,
      data: values.data,
      prefer: env.token,
      ...(values.ca ? { ca: values.ca } : {}),
    });
    if (action === 'list') {
      const q = new URLSearchParams({ status: values.status ?? 'pending' });
      const res = await server.call('GET', `/api/approvals?${q}`);
      if (res.status >= 400) return fail(res);
      const { approvals } = JSON.parse(res.text) as { approvals: ApprovalView[] };
      if (values.json) process.stdout.write(`${inertJson(approvals, 2)}\n`);
      else if (approvals.length === 0)
        process.stdout.write(`no ${inert(values.status ?? 'pending')} approvals\n`);
      else process.stdout.write(`${approvals.map(describe).join('\n\n')}\n`);
      return 0;
    }
    if ((action === 'approve' || action === 'deny') && id) {
      const res = await server.call('POST', `/api/approvals/${encodeURIComponent(id)}/decision`, {
        decision: action,
        scope: values.scope ?? 'once',
        reason: values.reason ?? '',
      });
      if (res.status >= 400) return fail(res);
      const a = JSON.parse(res.text) as ApprovalView;
      process.stdout.write(`${describe(a)}\n`);
      if (a.grant)
        process.stdout.write(`  grant: ${inert(a.grant.scope)} for '${inert(a.grant.prefix.join(' '))}'\n`);
      else if (a.no_grant_reason) process.stdout.write(`  no grant: ${inert(a.no_grant_reason)}\n`);
      return 0;
    }
  } catch (err) {
    const message = (err as Error).message;
    process.stderr.write(`ward approvals: ${inert(message)}\n`);
    return message.startsWith('no token') ? 2 : 1;
  }
  process.stderr.write(USAGE);
  return 2;
}

function fail(res: { status: number; text: string }): number {
  process.stderr.write(`ward approvals: ${inert(serverError(res))}\n`);
  return 1;
}

function parse(args: string[]) {
  return parseCommandArgs(args, {
    status: { type: 'string' },
    scope: { type: 'string' },
    reason: { type: 'string' },
    json: { type: 'boolean' },
    server: { type: 'string' },
    ca: { type: 'string' },
    data: { type: 'string', default: '.ward-data' },
  });
}
