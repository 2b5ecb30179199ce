import { resolve } from 'node:path';
import { createGate, type GateDecision, type ResolvedPolicy } from '../../gate/fast.js';
import { inert } from '../../schema/fast.js';
import type { ApprovalPort } from '../../schema/index.js';
import { askHuman, REFUSED_EXIT, summarizeReasons } from '../approvals/ask-human.js';
import { decideWithGrants } from '../approvals/with-grants.js';
import { shellQuote } from '../hooks/hook-command.js';
import { listDirectory } from '../hooks/list-dir.js';
import { readTextFile } from '../hooks/read-text.js';
import { type SpanDecision, spanDecision } from '../telemetry/span-record.js';

/** The command line the gate judges for an argv (one argument is already a command line). */
export function commandLine(argv: readonly string[]): string {
  return argv.length === 1 ? (argv[0] as string) : argv.map(shellQuote).join(' ');
}

/** The gate's answer for one `ward exec`: whether the command may run, and the decision for its span. */
export interface ExecGateResult {
  /** null when the command may run, else the exit code (nothing ran). */
  refusedExit: number | null;
  decision: SpanDecision;
  /** The command line the gate judged. */
  command: string;
}

/** What the exec gate needs besides the command and the policy. */
export interface ExecGateOptions {
  workspace: string;
  cwd: string;
  session: string;
  agent?: string | undefined;
  /** Longest wait for a human (s), default 300. */
  waitS?: number;
  /** False with --unsandboxed: nothing contains the command, so nothing is relaxed for a sandbox. */
  sandboxed?: boolean;
  /** Ward's approvals, made on first use; absent when no server is configured. */
  approvals?: (() => Promise<ApprovalPort>) | undefined;
  stderr: { write(s: string): unknown };
}

/**
 * The approval gate in front of `ward exec`, with the same policy the sandbox uses. An ask the gate could
 * grant first looks for an "always allow" grant of this session or project on the Ward server (project =
 * the absolute workspace path); otherwise it asks a human (askHuman; fail closed: no server, an unreachable
 * one, a timeout or a gate that cannot start refuse the command). Imports stay on the gate's zod-free
 * start-up path.
 */
export async function gateExec(
  argv: string[],
  policy: ResolvedPolicy,
  o: ExecGateOptions,
): Promise<ExecGateResult> {
  const command = commandLine(argv);
  const project = resolve(o.workspace);
  // One port for the grants and the ask, made when first needed (its schemas load only then).
  let port: Promise<ApprovalPort> | undefined;
  const { approvals } = o;
  const getPort = approvals ? () => (port ??= approvals()) : undefined;
  let verdict: GateDecision;
  try {
    // Deferred: a command of plain words is decided without loading the shell grammar at all.
    // The reader: a script the command runs is judged as it is now (`sh notes.txt`, `npm test`, `make`).
    const gate = await createGate({
      policy,
      workspace: o.workspace,
      deferParser: true,
      readText: readTextFile,
      listDir: listDirectory,
    });
    verdict = await decideWithGrants(
      (grants) =>
        gate.decideAsync({
          command,
          cwd: o.cwd,
          ...(grants ? { grants } : {}),
          ...(o.sandboxed === false ? {} : { contained: 'sandbox' as const }),
        }),
      getPort ? async () => (await getPort()).grants({ session: o.session, project }) : undefined,
      (m) => o.stderr.write(`ward: ${inert(m)}\n`),
    );
  } catch (err) {
    o.stderr.write(
      `ward exec: the approval gate could not start: ${(err as Error).message}\nnothing was run\n`,
    );
    return { refusedExit: REFUSED_EXIT, decision: { decision: 'deny', decisionSource: 'error' }, command };
  }
  if (verdict.contained_by === 'sandbox')
    o.stderr.write(`ward: allowed because the sandbox contains it (${summarizeReasons(verdict.reasons)})\n`);
  const outcome = await askHuman(verdict, {
    approvals: getPort,
    request: { session: o.session, agent: o.agent ?? 'ward', command, cwd: o.cwd, project },
    waitMs: (o.waitS ?? 300) * 1000,
    onWaiting: (id, url) =>
      o.stderr.write(`ward: waiting for approval ${id} at ${url} (${summarizeReasons(verdict.reasons)})\n`),
  });
  if (outcome.run) {
    if (outcome.source === 'user') o.stderr.write(`ward: approved (${inert(outcome.reason)}); running\n`);
    else if (verdict.reasons.some((r) => r.rule_id === 'grant'))
      o.stderr.write(`ward: allowed by a grant (${summarizeReasons(verdict.reasons)})\n`);
    return { refusedExit: null, decision: spanDecision(outcome), command };
  }
  o.stderr.write(`ward exec: refused, nothing was run: ${inert(outcome.reason)}\n`);
  return { refusedExit: REFUSED_EXIT, decision: spanDecision(outcome), command };
}
