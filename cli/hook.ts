import { writeSync } from 'node:fs';
import { parseCommandArgs } from './args.js';
import type { WardEnv } from './env.js';

const AGENTS = ['claude-code', 'codex', 'gemini-cli'] as const;
type HookAgent = (typeof AGENTS)[number];
const MAX_INPUT = 4 * 1024 * 1024;

const USAGE = `usage: ward hook <claude-code|codex|gemini-cli> [--wait] [--policy FILE] [--mode MODE] [--server URL] [--timeout S]
  A PreToolUse (Gemini CLI: BeforeTool) command hook: reads the agent's hook JSON on stdin and answers deny
  or ask on stdout; where the gate has no objection it prints {}, so the agent's own permission system
  decides (unless the org or user policy sets hooks.auto_approve: true).
  --wait     on Ward's "ask", create a Ward approval and wait for a human (needs WARD_SERVER / --server)
  With a server and WARD_TOKEN, the server's view of the session (the analyzer's risk, a secret read lately)
  joins the decision and the server records the call; a server that cannot answer makes allowed calls ask.
  --timeout  longest wait for a human in seconds (default 300)
`;

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin) {
    const b = chunk as Buffer;
    size += b.length;
    if (size > MAX_INPUT) throw new Error(`hook input is larger than ${MAX_INPUT} bytes`);
    chunks.push(b);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function denyJson(agent: string, reason: string): string {
  // Written without imports so it cannot fail. Codex copies Claude Code's shape; Gemini CLI has its own.
  if (agent === 'gemini-cli') return JSON.stringify({ decision: 'deny', reason: `Ward: ${reason}` });
  return JSON.stringify({
    hookSpecificOutput: {
      hookEventName: 'PreToolUse',
      permissionDecision: 'deny',
      permissionDecisionReason: `Ward: ${reason}`,
    },
  });
}

/**
 * `ward hook claude-code|codex|gemini-cli`: always exits 0, with a JSON answer (deny, ask) or `{}` (no
 * objection: the agent's own permission system decides); anything that goes wrong is a deny with the
 * reason (fail closed). Imports stay lazy: start-up is the
 * hook's whole latency budget.
 */
export async function main(args: string[], env: WardEnv): Promise<number> {
  let parsed: ReturnType<typeof parseCommandArgs<typeof OPTIONS>>;
  try {
    parsed = parseCommandArgs(args, OPTIONS);
  } catch (err) {
    process.stderr.write(`ward hook: ${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const agent = positionals[0] as HookAgent;
  if (!AGENTS.includes(agent)) {
    process.stderr.write(`ward hook: unknown agent '${positionals[0] ?? ''}'\n${USAGE}`);
    return 2;
  }
  const waitS = values.timeout === undefined ? 300 : Number(values.timeout);
  // Nothing printed is "no objection", and every agent runs the tool when its hook exits with an error, is
  // killed at the agent's timeout or prints broken JSON; only exit code 2 blocks in all three. So an answer
  // that never comes is a deny with exit 2: the event loop emptying (a promise nothing settles), an uncaught
  // error, and a deadline before the agent's own timeout (`ward install` gives a --wait hook the wait + 30 s;
  // the server's answers can each take their whole timeout: signals 10 s, grants 10 s, request 15 s, the
  // last poll 10 s past the wait).
  let answered = false;
  const giveUp = (why: string, exit: boolean) => {
    if (answered) return;
    answered = true;
    writeSync(1, `${denyJson(agent, why)}\n`);
    writeSync(2, `Ward: ${why}\n`);
    process.exitCode = 2;
    if (exit) process.exit(2);
  };
  process.once('beforeExit', () => giveUp('the hook ended without an answer', false));
  const failed = (err: unknown) =>
    giveUp(`the hook failed (${err instanceof Error ? err.message : String(err)})`, true);
  process.on('uncaughtException', failed);
  process.on('unhandledRejection', failed);
  const deadlineS = values.wait ? Math.min(waitS, 3600) + HOOK_DEADLINE_MARGIN_S : HOOK_DEADLINE_S;
  setTimeout(
    () => giveUp(`no answer within ${deadlineS} s (before the agent's own hook timeout)`, true),
    deadlineS * 1000,
  ).unref();
  let out: string;
  try {
    await (await import('./baseline-wasm.js')).useBaselineWasmOnly();
    if (!(waitS > 0 && waitS <= 3600)) throw new Error('--timeout must be 1..3600 seconds');
    out = await answer(agent, await readStdin(), { ...values, waitS }, env);
  } catch (err) {
    out = denyJson(agent, err instanceof Error ? err.message : String(err));
  }
  if (answered) return 2;
  answered = true;
  // Always a JSON object: `{}` is "no objection". The wrapper `ward install` writes lets a call run only on
  // exit 0 with an object on stdout, so an emptied ward file or a stand-in `node` that prints nothing blocks.
  process.stdout.write(`${out || '{}'}\n`);
  return 0;
}

/**
 * How long a hook without --wait may take: under the shortest default hook timeout of the three agents
 * (Gemini CLI: 60 s), and well over what it needs (the server's signals are cut at 10 s).
 */
const HOOK_DEADLINE_S = 40;
/** A --wait hook answers this long after its wait at the latest: `ward install` gives it the wait + 30 s. */
const HOOK_DEADLINE_MARGIN_S = 20;

const OPTIONS = {
  wait: { type: 'boolean', default: false },
  policy: { type: 'string' },
  mode: { type: 'string' },
  server: { type: 'string' },
  timeout: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Wires one `ward hook` call: the project dir the agent names, the policy flags and the approval client. */
async function answer(
  agent: HookAgent,
  stdin: string,
  o: { wait: boolean; policy?: string; mode?: string; server?: string; waitS: number },
  env: WardEnv,
): Promise<string> {
  const server = o.server ?? env.server;
  const token = env.token;
  // With a server and a token, what the server knows of the session (the analyzer's risk, a secret read
  // lately) reaches this gate too; asked for at once, while the hook's own code and gate load. The server
  // records the call. (Never rejects: a failure is a risk not known.)
  const asked =
    server && token
      ? import('./hook-signals.js').then((m) => m.askServer({ server, token, agent, input: stdin }, env))
      : undefined;
  const hooks = await import('../sandbox-runner/fast.js');
  let approvals: import('../sandbox-runner/fast.js').ApprovalClient | undefined;
  if (o.wait && server) {
    const trust = await import('./decision-key.js');
    // The same trust rules as `ward exec`: no token or decision over plain http beyond loopback, and with
    // WARD_DECISION_KEY an unsigned or forged answer counts as a deny (errors here deny the call).
    const insecure = trust.insecureServerProblem(server, env);
    if (insecure) throw new Error(insecure);
    approvals = hooks.createApprovalClient({ server, token: env.token, ...trust.pinnedDecisionKey(env) });
  }
  // The workspace is the project the agent was started in (Claude Code and Gemini CLI tell their hooks),
  // not the directory a `cd` left it in; relative paths still resolve against the call's own cwd.
  const projectDir =
    agent === 'claude-code'
      ? env.processEnv.CLAUDE_PROJECT_DIR
      : agent === 'gemini-cli'
        ? env.processEnv.GEMINI_PROJECT_DIR
        : undefined;
  const asking = asked ? await asked : undefined;
  let final: string | undefined;
  const out = await hooks.answerHookCall(agent, stdin, {
    loadGate: async (input) => {
      const cwd = projectDir || input.cwd || process.cwd();
      const gate = await hooks.loadHookGate({ cwd, home: env.home, policyFile: o.policy, mode: o.mode });
      // A server without a token gives no floor: the user's and project's policy, which the agent can write,
      // would decide alone. Gemini CLI drops every variable named *TOKEN*/*KEY* from a hook's environment when
      // it redacts it (a setting, or any GitHub Actions run): what the gate would allow asks instead.
      const signals = asking
        ? await asking.signals()
        : server
          ? { riskUnknown: `WARD_SERVER is set but WARD_TOKEN is not: the Ward server cannot be asked` }
          : {};
      const held = <D extends Parameters<NonNullable<typeof asking>['decided']>[0]>(d: D): D =>
        asking ? asking.decided(d) : d;
      return {
        // Both ways of deciding are held to the server's decision.
        decide: hooks.hookDecider({
          decide: (i) => held(gate.decide({ ...i, ...signals })),
          decideAsync: async (i) => held(await gate.decideAsync({ ...i, ...signals })),
        }),
        autoApprove: gate.autoApprove,
      };
    },
    wait: o.wait,
    approvals,
    waitMs: o.waitS * 1000,
    log: (line) => process.stderr.write(`${line}\n`),
    onDecided: ({ answer }) => {
      final = answer.decision;
    },
  });
  await asking?.finish(final);
  return out ? JSON.stringify(out) : '';
}
