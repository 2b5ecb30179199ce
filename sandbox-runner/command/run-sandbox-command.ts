import { resolve } from 'node:path';
import type { Writable } from 'node:stream';
import { discoverPolicyLayers, loadPolicy, type ResolvedPolicy, withOverrides } from '../../gate/fast.js';
import { inert } from '../../schema/fast.js';
import type { ApprovalPort } from '../../schema/index.js';
import { createNetworkAsk, type NetworkAsk } from '../approvals/network-ask.js';
import type { Runner, RunResult } from '../runner.js';
import { limitsIncomplete } from '../sandbox/linux/cgroup-detect.js';
import {
  type CommandSpanRecord,
  commandSpanRecord,
  refusedSpanRecord,
  type SpanContext,
} from '../telemetry/span-record.js';
import { gateExec } from './exec-gate.js';

/** Exit code when Ward could not set the command up (bad policy, no sandbox): nothing ran. */
export const SETUP_FAILED_EXIT = 125;

const SIGNALS = { SIGINT: 2, SIGTERM: 15, SIGHUP: 1 } as const;
type SignalName = keyof typeof SIGNALS;

/** What `ward exec` / `ward run` was asked to do, as parsed from its arguments. */
export interface SandboxCommand {
  /** exec: one command, gated first; run: a whole agent, with the terminal passed through. */
  cmd: 'exec' | 'run';
  argv: string[];
  /** --policy FILE: the project layer (else <workspace>/.ward/policy.yaml). */
  policyFile?: string | undefined;
  workspace?: string | undefined;
  mode?: string | undefined;
  /** --allow-net entries, on top of the policy's. */
  allowNet?: readonly string[];
  /** --ask-net: start the proxy even with no allowed host, to ask about each one. */
  askNet?: boolean;
  agent?: string | undefined;
  session?: string | undefined;
  /** --timeout in seconds (positive). */
  timeoutS?: number | undefined;
  unsandboxed?: boolean;
}

/** Where the command runs and what it may talk to: the CLI wires these from the environment. */
export interface SandboxCommandDeps {
  cwd: string;
  home: string;
  processEnv: Readonly<Record<string, string | undefined>>;
  stdout: Writable;
  stderr: Writable;
  /** Ward's approvals, made on first use (the CLI applies its trust rules); absent without a server. */
  approvals?: (() => Promise<ApprovalPort>) | undefined;
  /** Sends the command's span; absent without a server. Must not throw: it never changes the outcome. */
  reportSpan?: ((record: CommandSpanRecord) => Promise<void>) | undefined;
  /** Ward's data directories for this workspace, hidden from the sandbox. */
  dataDirs: (workspace: string) => Promise<string[]>;
  /** Where SIGINT/SIGTERM/SIGHUP come from (the process); they stop the command, exit 128+n. */
  signals?: { on(sig: SignalName, h: () => void): unknown; off(sig: SignalName, h: () => void): unknown };
  /** false: no cgroup even where one could be made (per-process limits only, and said so). */
  useCgroup?: boolean;
}

/**
 * Runs one command (exec) or a whole agent (run) in the sandbox under the discovered policy, reports it as a
 * span when a reporter is given, and returns the exit code: the command's own (128+signal when killed), 126
 * when the gate or a human refused it, 125 when nothing could be set up. Fails closed: nothing runs unless
 * the policy loaded, the gate (exec) allowed it and the sandbox started.
 */
export async function runSandboxCommand(c: SandboxCommand, deps: SandboxCommandDeps): Promise<number> {
  const say = (s: string) => deps.stderr.write(s);
  const workspace = c.workspace ?? deps.cwd;
  let policy: ResolvedPolicy;
  try {
    policy = await loadPolicy(
      discoverPolicyLayers({
        workspace,
        home: deps.home,
        policyFile: c.policyFile,
        mode: c.mode,
      }),
    );
  } catch (err) {
    say(`ward ${c.cmd}: ${(err as Error).message}\nnothing was run\n`);
    return SETUP_FAILED_EXIT;
  }
  const span: SpanContext = {
    sessionId: c.session ?? crypto.randomUUID(),
    agent: c.agent ?? (c.cmd === 'run' ? (c.argv[0]?.split('/').pop() ?? 'agent') : 'ward'),
    operation: c.cmd === 'exec' ? 'execute_tool' : 'invoke_agent',
  };

  // Loaded while the gate compiles the shell grammar (its module I/O overlaps the gate's work).
  const runnerLoading = import('../runner.js');
  runnerLoading.catch(() => {});

  if (c.cmd === 'exec') {
    // The approval gate decides first: allow runs, deny refuses, ask waits for a human.
    const startTimeMs = Date.now();
    const gated = await gateExec(c.argv, policy, {
      workspace: policy.sandbox.workspace ?? workspace,
      cwd: deps.cwd,
      session: span.sessionId,
      agent: c.agent,
      sandboxed: !c.unsandboxed,
      approvals: deps.approvals,
      stderr: deps.stderr,
    });
    Object.assign(span, gated.decision);
    if (gated.refusedExit !== null) {
      const record = refusedSpanRecord(
        {
          command: gated.command,
          argv: c.argv,
          cwd: deps.cwd,
          exitCode: gated.refusedExit,
          startTimeMs,
          endTimeMs: Date.now(),
        },
        span,
      );
      await deps.reportSpan?.(record);
      return gated.refusedExit;
    }
  }

  let runner: Runner;
  try {
    runner = await createCommandRunner(c, deps, policy, span, (await runnerLoading).createRunner);
  } catch (err) {
    say(`ward ${c.cmd}: ${inert((err as Error).message)}\nnothing was run; see \`ward doctor\`\n`);
    return SETUP_FAILED_EXIT;
  }
  if (c.unsandboxed) say(`ward ${c.cmd}: running UNSANDBOXED (--unsandboxed); this is recorded\n`);
  // Per-process limits alone let a command fork its way past the memory limit: never leave that unsaid.
  const perProcessOnly = (by: string) => !c.unsandboxed && limitsIncomplete(by);
  const limitsNote = (by: string) =>
    say(`ward ${c.cmd}: note: limits are ${inert(by)}; see \`ward doctor\`\n`);
  if (perProcessOnly(runner.limitsBy)) limitsNote(runner.limitsBy);

  const abort = new AbortController();
  let received: SignalName | undefined;
  const handlers = (Object.keys(SIGNALS) as SignalName[]).map((sig) => {
    const h = (): void => {
      received ??= sig;
      abort.abort();
    };
    deps.signals?.on(sig, h);
    return [sig, h] as const;
  });
  let result: RunResult;
  try {
    result = await runner.run(c.argv, {
      stdio: c.cmd === 'run' ? 'inherit' : 'pipe',
      stdin: 'inherit',
      stdout: deps.stdout,
      stderr: deps.stderr,
      abort: abort.signal,
    });
  } catch (err) {
    say(`ward ${c.cmd}: ${inert((err as Error).message)}\nnothing was run; see \`ward doctor\`\n`);
    return SETUP_FAILED_EXIT;
  } finally {
    for (const [sig, h] of handlers) deps.signals?.off(sig, h);
    await runner.close();
  }

  // A group that could not be made for this run (the kernel refused) is said too, after the fact.
  if (perProcessOnly(result.limitsBy) && !perProcessOnly(runner.limitsBy)) limitsNote(result.limitsBy);
  // A detail is a path or an error line the command chose: `\r`, ESC sequences or newlines in it would erase or
  // rewrite Ward's own warning on the user's terminal.
  for (const v of result.violations.slice(0, 5)) say(`ward: sandbox ${v.kind}: ${inert(v.detail)}\n`);
  await deps.reportSpan?.(commandSpanRecord(result, span));
  return received ? 128 + SIGNALS[received] : result.exitCode;
}

/** The runner for this command: the policy's sandbox with the command line's overrides and the network ask. */
async function createCommandRunner(
  c: SandboxCommand,
  deps: SandboxCommandDeps,
  policy: ResolvedPolicy,
  span: SpanContext,
  createRunner: typeof import('../runner.js').createRunner,
): Promise<Runner> {
  const base = policy.sandbox;
  const workspace = base.workspace ?? c.workspace ?? deps.cwd;
  const sandboxPolicy = withOverrides(base, {
    ...(c.workspace ? { workspace: c.workspace } : {}),
    allowNet: (c.allowNet ?? []).flatMap((s) => s.split(',')).filter(Boolean),
    limits: {
      // A whole agent session runs for hours; one command gets the policy's limits.
      ...(c.cmd === 'run' ? { timeoutS: 24 * 3600, cpuS: Math.max(base.limits.cpuS, 24 * 3600) } : {}),
      ...(c.timeoutS !== undefined ? { timeoutS: c.timeoutS } : {}),
    },
  });
  // Network stays off (no proxy, no cost) unless hosts are allowed or --ask-net asks about each one.
  const netAsk =
    sandboxPolicy.allowNet.length > 0 || c.askNet === true
      ? await networkAsk(deps, policy, span, resolve(workspace))
      : undefined;
  const network = netAsk ? await import('../network/index.js') : undefined;
  return createRunner(sandboxPolicy, {
    cwd: deps.cwd,
    home: deps.home,
    processEnv: deps.processEnv,
    ...(network ? { network } : {}),
    ...(netAsk
      ? { denyNetwork: netAsk.deny, decideNetwork: netAsk.decide, decideNetworkTimeoutMs: netAsk.timeoutMs }
      : {}),
    ...(c.unsandboxed ? { unsandboxed: true } : {}),
    ...(c.policyFile ? { extraReadOnly: [resolve(deps.cwd, c.policyFile)] } : {}),
    ...(c.cmd === 'run' ? { agent: span.agent } : {}),
    dataDirs: await deps.dataDirs(workspace),
    ...(deps.useCgroup === false ? { useCgroup: false } : {}),
  });
}

/**
 * The network side of the approval gate: the policy's deny list is refused first, allowed hosts pass, and
 * any other host is asked about through Ward's approvals when there are any (else refused, said on stderr).
 */
async function networkAsk(
  deps: SandboxCommandDeps,
  policy: ResolvedPolicy,
  span: SpanContext,
  project: string,
): Promise<NetworkAsk> {
  return createNetworkAsk({
    ...(deps.approvals ? { client: deps.approvals } : {}),
    mode: policy.mode,
    session: span.sessionId,
    agent: span.agent,
    cwd: deps.cwd,
    project,
    denyHosts: policy.hosts.deny,
    stderr: deps.stderr,
  });
}
