import { resolve } from 'node:path';
import type { GateDecision, ResolvedPolicy } from '../gate/fast.js';
import type { SpanDecision } from '../sandbox-runner/fast.js';
import { insecureServerProblem, pinnedDecisionKey } from './decision-key.js';
import type { WardEnv } from './env.js';
import { inert } from './untrusted-text.js';

function shellQuote(a: string): string {
  return /^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replaceAll("'", `'\\''`)}'`;
}

/** The gate's answer for one `ward exec`: whether the command may run, and the decision for its span. */
export interface ExecGateResult {
  /** null when the command may run, else the exit code (nothing ran). */
  refusedExit: number | null;
  decision: SpanDecision;
  /** The command line the gate judged. */
  command: string;
}

/**
 * The approval gate in front of `ward exec`, with the same policy the sandbox uses. An ask the gate could
 * grant first looks for an "always allow" grant of this session or project on the Ward server (project =
 * the absolute workspace path); otherwise it waits for a human (fail closed: no server, an unreachable one,
 * a timeout or a gate that cannot start refuse the command). Imports stay on the gate's zod-free start-up path.
 */
export async function gateExec(
  argv: string[],
  policy: ResolvedPolicy,
  o: {
    workspace: string;
    server?: string;
    session: string;
    agent?: string;
    waitS?: number;
    /** False with --unsandboxed: nothing contains the command, so nothing is relaxed for a sandbox. */
    sandboxed?: boolean;
  },
  env: WardEnv,
): Promise<ExecGateResult> {
  const [{ createGate }, approvals, { decideWithGrants }, { spanDecision }] = await Promise.all([
    import('../gate/fast.js'),
    import('../sandbox-runner/fast.js'),
    import('../sandbox-runner/fast.js'),
    import('../sandbox-runner/fast.js'),
  ]);
  const command = argv.length === 1 ? (argv[0] as string) : argv.map(shellQuote).join(' ');
  const cwd = process.cwd();
  const project = resolve(o.workspace);
  const server = o.server ?? env.server;
  // The approval client (and the schemas it validates answers with) only when the server must be asked.
  let client: import('../sandbox-runner/fast.js').ApprovalClient | undefined;
  const getClient = async () => {
    const insecure = insecureServerProblem(server as string, env);
    if (insecure) throw new Error(insecure);
    client ??= (await import('../sandbox-runner/fast.js')).createApprovalClient({
      server: server as string,
      token: env.token,
      ...pinnedDecisionKey(env),
    });
    return client;
  };
  let verdict: GateDecision;
  try {
    // Deferred: a command of plain words is decided without loading the shell grammar at all.
    const gate = await createGate({ policy, workspace: o.workspace, deferParser: true });
    verdict = await decideWithGrants(
      (grants) =>
        gate.decideAsync({
          command,
          cwd,
          ...(grants ? { grants } : {}),
          ...(o.sandboxed === false ? {} : { contained: 'sandbox' as const }),
        }),
      server ? async () => (await getClient()).grants({ session: o.session, project }) : undefined,
      (m) => process.stderr.write(`ward: ${inert(m)}\n`),
    );
  } catch (err) {
    process.stderr.write(
      `ward exec: the approval gate could not start: ${(err as Error).message}\nnothing was run\n`,
    );
    return {
      refusedExit: approvals.REFUSED_EXIT,
      decision: { decision: 'deny', decisionSource: 'error' },
      command,
    };
  }
  if (verdict.contained_by === 'sandbox')
    process.stderr.write(
      `ward: allowed because the sandbox contains it (${approvals.summarizeReasons(verdict.reasons)})\n`,
    );
  let askClient: Awaited<ReturnType<typeof getClient>> | undefined;
  if (verdict.decision === 'ask' && server) {
    try {
      askClient = await getClient();
    } catch (err) {
      // e.g. WARD_DECISION_KEY set but unreadable: asking without checking the answer would be worse.
      process.stderr.write(`ward exec: refused, nothing was run: ${inert((err as Error).message)}\n`);
      return {
        refusedExit: approvals.REFUSED_EXIT,
        decision: { decision: 'deny', decisionSource: 'error' },
        command,
      };
    }
  }
  const outcome = await approvals.gateCommand({
    gate: { decide: () => verdict },
    ...(askClient ? { client: askClient } : {}),
    command,
    session: o.session,
    agent: o.agent ?? 'ward',
    cwd,
    project,
    mode: policy.mode,
    waitMs: (o.waitS ?? 300) * 1000,
    stderr: process.stderr,
  });
  if (outcome.run) {
    if (outcome.source === 'user')
      process.stderr.write(`ward: approved (${inert(outcome.reason)}); running\n`);
    else if (verdict.reasons.some((r) => r.rule_id === 'grant'))
      process.stderr.write(`ward: allowed by a grant (${approvals.summarizeReasons(verdict.reasons)})\n`);
    return { refusedExit: null, decision: spanDecision(outcome), command };
  }
  process.stderr.write(`ward exec: refused, nothing was run: ${inert(outcome.reason)}\n`);
  return { refusedExit: approvals.REFUSED_EXIT, decision: spanDecision(outcome), command };
}
