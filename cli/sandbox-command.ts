import { resolve } from 'node:path';
import { parseCommandArgs } from './args.js';
import type { WardEnv } from './env.js';

/** Options shared by `ward exec` and `ward run`. */
const OPTIONS = {
  policy: { type: 'string' },
  workspace: { type: 'string' },
  'allow-net': { type: 'string', multiple: true },
  'ask-net': { type: 'boolean' },
  server: { type: 'string' },
  'insecure-server': { type: 'boolean' },
  agent: { type: 'string' },
  session: { type: 'string' },
  timeout: { type: 'string' },
  unsandboxed: { type: 'boolean' },
  mode: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

const SIGNALS = { SIGINT: 2, SIGTERM: 15, SIGHUP: 1 } as const;

export function sandboxUsage(cmd: 'exec' | 'run'): string {
  const what = cmd === 'exec' ? 'CMD ARGS…' : 'AGENT ARGS…';
  return `usage: ward ${cmd} [--policy FILE] [--workspace DIR] [--allow-net HOST[:PORT],…] [--ask-net] [--server URL]
                 [--insecure-server] [--agent NAME] [--session ID] [--timeout S] [--unsandboxed] [--mode MODE]
                 -- ${what}\n`;
}

/**
 * Runs one command (exec) or a whole agent (run) in the sandbox, reports it as a span when a server is
 * configured, and returns the command's exit code (128+signal when killed). Fails closed: if the sandbox
 * cannot be set up nothing runs and the exit code is 125.
 */
export async function runSandboxCommand(
  cmd: 'exec' | 'run',
  args: string[],
  baseEnv: WardEnv,
): Promise<number> {
  let parsed: ReturnType<typeof parseCommandArgs<typeof OPTIONS>>;
  try {
    parsed = parseCommandArgs(args, OPTIONS);
  } catch (err) {
    process.stderr.write(`ward ${cmd}: ${(err as Error).message}\n${sandboxUsage(cmd)}`);
    return 2;
  }
  const { values, rest, positionals } = parsed;
  // --insecure-server is the flag form of WARD_INSECURE_NO_TLS=1: one rule for every server call below.
  const env: WardEnv = values['insecure-server']
    ? { ...baseEnv, processEnv: { ...baseEnv.processEnv, WARD_INSECURE_NO_TLS: '1' } }
    : baseEnv;
  if (values.help) {
    process.stdout.write(sandboxUsage(cmd));
    return 0;
  }
  const argv = rest.length > 0 ? rest : positionals;
  if (argv.length === 0) {
    process.stderr.write(`ward ${cmd}: no command given\n${sandboxUsage(cmd)}`);
    return 2;
  }
  const server = values.server ?? env.server;
  if (server) {
    const { insecureServerProblem } = await import('./decision-key.js');
    const problem = insecureServerProblem(server, env);
    if (problem) {
      process.stderr.write(`ward ${cmd}: ${problem}\nnothing was run\n`);
      return 2;
    }
  }
  const timeout = values.timeout === undefined ? undefined : Number(values.timeout);
  if (timeout !== undefined && !(timeout > 0)) {
    process.stderr.write(`ward ${cmd}: --timeout must be a positive number of seconds\n`);
    return 2;
  }

  // One policy for the gate and the sandbox: --policy FILE (else <workspace>/.ward/policy.yaml) over the
  // user's and the organisation's files (sandbox-runner/gate/policy/discover.ts).
  const gateLib = await import('../gate/fast.js');
  const workspace = values.workspace ?? process.cwd();
  let policy: import('../gate/fast.js').ResolvedPolicy;
  try {
    policy = await gateLib.loadPolicy(
      gateLib.discoverPolicyLayers({
        workspace,
        home: env.home,
        policyFile: values.policy,
        mode: values.mode,
      }),
    );
  } catch (err) {
    process.stderr.write(`ward ${cmd}: ${(err as Error).message}\nnothing was run\n`);
    return 125;
  }
  const span: import('../sandbox-runner/fast.js').SpanContext = {
    sessionId: values.session ?? crypto.randomUUID(),
    agent: values.agent ?? (cmd === 'run' ? (argv[0]?.split('/').pop() ?? 'agent') : 'ward'),
    operation: cmd === 'exec' ? 'execute_tool' : 'invoke_agent',
  };

  // Loaded while the gate compiles the shell grammar (its module I/O overlaps the gate's work).
  const libLoading = import('../sandbox-runner/index.js');
  libLoading.catch(() => {});

  if (cmd === 'exec') {
    // The approval gate decides first: allow runs, deny refuses, ask waits for a human (cli/exec-gate.ts).
    await (await import('./baseline-wasm.js')).useBaselineWasmOnly();
    const startTimeMs = Date.now();
    const { gateExec } = await import('./exec-gate.js');
    const gated = await gateExec(
      argv,
      policy,
      {
        workspace: policy.sandbox.workspace ?? workspace,
        server: values.server,
        session: span.sessionId,
        agent: values.agent,
        sandboxed: !values.unsandboxed,
      },
      env,
    );
    Object.assign(span, gated.decision);
    if (gated.refusedExit !== null) {
      if (server) {
        const { refusedSpanRecord } = await import('../sandbox-runner/fast.js');
        const record = refusedSpanRecord(
          {
            command: gated.command,
            argv,
            cwd: process.cwd(),
            exitCode: gated.refusedExit,
            startTimeMs,
            endTimeMs: Date.now(),
          },
          span,
        );
        await reportSpan(record, server, env);
      }
      return gated.refusedExit;
    }
  }

  const lib = await libLoading;
  let runner: import('../sandbox-runner/index.js').Runner;
  try {
    const base = policy.sandbox;
    const sandboxPolicy = gateLib.withOverrides(base, {
      ...(values.workspace ? { workspace: values.workspace } : {}),
      allowNet: (values['allow-net'] ?? []).flatMap((s) => s.split(',')).filter(Boolean),
      limits: {
        // A whole agent session runs for hours; one command gets the policy's limits.
        ...(cmd === 'run' ? { timeoutS: 24 * 3600, cpuS: Math.max(base.limits.cpuS, 24 * 3600) } : {}),
        ...(timeout !== undefined ? { timeoutS: timeout } : {}),
      },
    });
    // Network stays off (no proxy, no cost) unless hosts are allowed or --ask-net asks about each one.
    const netAsk = await networkAsk(sandboxPolicy.allowNet.length > 0 || values['ask-net'] === true, {
      server,
      env,
      mode: policy.mode,
      session: span.sessionId,
      agent: span.agent,
      project: resolve(policy.sandbox.workspace ?? workspace),
      denyHosts: policy.hosts.deny,
    });
    const network = netAsk ? await import('../sandbox-runner/index.js') : undefined;
    runner = lib.createRunner(sandboxPolicy, {
      cwd: process.cwd(),
      home: env.home,
      processEnv: env.processEnv,
      ...(network ? { network } : {}),
      ...(netAsk
        ? {
            denyNetwork: netAsk.deny,
            decideNetwork: netAsk.decide,
            decideNetworkTimeoutMs: netAsk.timeoutMs,
          }
        : {}),
      ...(values.unsandboxed ? { unsandboxed: true } : {}),
      ...(values.policy ? { extraReadOnly: [resolve(values.policy)] } : {}),
      ...(cmd === 'run' ? { agent: span.agent } : {}),
      dataDirs: await wardDataDirs(env, policy.sandbox.workspace ?? workspace),
    });
  } catch (err) {
    process.stderr.write(`ward ${cmd}: ${(err as Error).message}\nnothing was run; see \`ward doctor\`\n`);
    return 125;
  }
  if (values.unsandboxed)
    process.stderr.write(`ward ${cmd}: running UNSANDBOXED (--unsandboxed); this is recorded\n`);

  const abort = new AbortController();
  let received: keyof typeof SIGNALS | undefined;
  const handlers = (Object.keys(SIGNALS) as (keyof typeof SIGNALS)[]).map((sig) => {
    const h = (): void => {
      received ??= sig;
      abort.abort();
    };
    process.on(sig, h);
    return [sig, h] as const;
  });
  let result: import('../sandbox-runner/index.js').RunResult;
  try {
    result = await runner.run(argv, {
      stdio: cmd === 'run' ? 'inherit' : 'pipe',
      stdin: 'inherit',
      stdout: process.stdout,
      stderr: process.stderr,
      abort: abort.signal,
    });
  } catch (err) {
    process.stderr.write(`ward ${cmd}: ${(err as Error).message}\nnothing was run; see \`ward doctor\`\n`);
    return 125;
  } finally {
    for (const [sig, h] of handlers) process.off(sig, h);
    await runner.close();
  }

  for (const v of result.violations.slice(0, 5))
    process.stderr.write(`ward: sandbox ${v.kind}: ${v.detail}\n`);
  if (server) {
    const { commandSpanRecord } = await import('../sandbox-runner/fast.js');
    await reportSpan(commandSpanRecord(result, span), server, env);
  }
  return received ? 128 + SIGNALS[received] : result.exitCode;
}

/**
 * Where Ward's data (admin token, database, spool) may be, to hide from the sandbox: WARD_DATA_DIR, and
 * `.ward-data` in this directory, the workspace, the top of its git work tree (the one place `ward serve`
 * accepts inside a work tree, see data-dir-check.ts), the home directory, and every data dir `ward serve`
 * recorded in ~/.ward/data-dirs (a server's `--data /srv/ward` is otherwise readable on the read-only system).
 */
async function wardDataDirs(env: WardEnv, workspace: string): Promise<string[]> {
  const { gitTopLevel } = await import('./data-dir-check.js');
  const top = gitTopLevel(resolve(workspace));
  const dirs = [resolve('.ward-data'), resolve(workspace, '.ward-data'), resolve(env.home, '.ward-data')];
  if (top) dirs.push(resolve(top, '.ward-data'));
  if (env.dataDir) dirs.unshift(resolve(env.dataDir));
  const { knownDataDirs } = await import('./data-dir-registry.js');
  dirs.push(...knownDataDirs(env.home));
  return [...new Set(dirs)];
}

/**
 * The network side of the approval gate, or undefined when the sandbox gets no network at all (the default:
 * no allowed host and no --ask-net). The policy's deny list is refused first, allowed hosts pass, and any
 * other host is an approval request when a server is configured and the mode is not ci (else refused, said
 * on stderr).
 */
async function networkAsk(
  networkWanted: boolean,
  o: {
    server: string | undefined;
    env: WardEnv;
    mode: string;
    session: string;
    agent: string;
    project: string;
    denyHosts: readonly string[];
  },
): Promise<import('../sandbox-runner/fast.js').NetworkAsk | undefined> {
  if (!networkWanted) return undefined;
  const { server } = o;
  const { createNetworkAsk } = await import('../sandbox-runner/fast.js');
  return createNetworkAsk({
    ...(server
      ? {
          client: async () => {
            const trust = await import('./decision-key.js');
            const insecure = trust.insecureServerProblem(server, o.env);
            if (insecure) throw new Error(insecure);
            return (await import('../sandbox-runner/fast.js')).createApprovalClient({
              server,
              token: o.env.token,
              ...trust.pinnedDecisionKey(o.env),
            });
          },
        }
      : {}),
    mode: o.mode,
    session: o.session,
    agent: o.agent,
    cwd: process.cwd(),
    project: o.project,
    denyHosts: o.denyHosts,
    stderr: process.stderr,
  });
}

/** Sends the ward.exec span (OTel SDK loaded only now, after the command). Never changes the outcome. */
async function reportSpan(
  record: import('../sandbox-runner/fast.js').CommandSpanRecord,
  server: string,
  env: WardEnv,
): Promise<void> {
  const [{ exportCommandSpan }, { hostname }, { join }, { insecureServerProblem }] = await Promise.all([
    import('../sandbox-runner/fast.js'),
    import('node:os'),
    import('node:path'),
    import('./decision-key.js'),
  ]);
  const insecure = insecureServerProblem(server, env);
  if (insecure) {
    // The span would carry the runner token in clear.
    process.stderr.write(`ward: not reporting the command: ${insecure}\n`);
    return;
  }
  // export-span spools and warns on failure.
  await exportCommandSpan(record, {
    server,
    ...(env.token ? { token: env.token } : {}),
    spoolDir: join(env.home, '.ward', 'spool'),
    serviceVersion: '0.1.0',
    hostName: hostname(),
    warn: (m) => process.stderr.write(`ward: ${m}\n`),
  }).catch((err: Error) => process.stderr.write(`ward: could not report the command: ${err.message}\n`));
}
