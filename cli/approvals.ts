import { parseCommandArgs } from './args.js';
import type { WardEnv } from './env.js';
import { cliServer } from './server-client.js';

const USAGE = `usage: ward approvals list [--status pending|approved|denied|expired] [--json]
       ward approvals approve ID [--scope once|session|project] [--reason TEXT]
       ward approvals deny ID [--reason TEXT]
  [--server URL] [--data DIR]   token: WARD_TOKEN (analyst), else WARD_ADMIN_TOKEN, else DIR/admin-token
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
  no_grant_reason?: string | null;
  grant?: { prefix: string[]; scope: string } | null;
}

function describe(a: ApprovalView): string {
  const lines = [
    `${a.id}  ${a.status.toUpperCase()}  risk ${a.risk.toFixed(2)}  ${a.agent} / session ${a.session_id}`,
    `  $ ${a.command}`,
    ...(a.cwd ? [`  in ${a.cwd}`] : []),
    ...a.reasons.map((r) => `  - ${r.detail} [${r.rule_id}${r.attack_id ? ` ${r.attack_id}` : ''}]`),
  ];
  if (a.status === 'pending') lines.push(`  expires ${a.expires_at}`);
  else if (a.decided_by)
    lines.push(`  by ${a.decided_by}${a.decision_reason ? `: ${a.decision_reason}` : ''}`);
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
    const server = cliServer(env, { server: values.server, data: values.data, prefer: env.token });
    if (action === 'list') {
      const q = new URLSearchParams({ status: values.status ?? 'pending' });
      const res = await server.call('GET', `/api/approvals?${q}`);
      if (res.status >= 400) return fail(res);
      const { approvals } = JSON.parse(res.text) as { approvals: ApprovalView[] };
      if (values.json) process.stdout.write(`${JSON.stringify(approvals, null, 2)}\n`);
      else if (approvals.length === 0) process.stdout.write(`no ${values.status ?? 'pending'} approvals\n`);
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
      if (a.grant) process.stdout.write(`  grant: ${a.grant.scope} for '${a.grant.prefix.join(' ')}'\n`);
      else if (a.no_grant_reason) process.stdout.write(`  no grant: ${a.no_grant_reason}\n`);
      return 0;
    }
  } catch (err) {
    const message = (err as Error).message;
    process.stderr.write(`ward approvals: ${message}\n`);
    return message.startsWith('no token') ? 2 : 1;
  }
  process.stderr.write(USAGE);
  return 2;
}

function fail(res: { status: number; text: string }): number {
  let message = res.text;
  try {
    message = (JSON.parse(res.text) as { error?: string }).error ?? res.text;
  } catch {
    // not JSON: print as is
  }
  process.stderr.write(`ward approvals: ${res.status} ${message}\n`);
  return 1;
}

function parse(args: string[]) {
  return parseCommandArgs(args, {
    status: { type: 'string' },
    scope: { type: 'string' },
    reason: { type: 'string' },
    json: { type: 'boolean' },
    server: { type: 'string' },
    data: { type: 'string', default: '.ward-data' },
  });
}
