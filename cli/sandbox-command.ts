import { parseCommandArgs } from './args.js';
import type { WardEnv } from './env.js';

/** Options shared by `ward exec` and `ward run`. */
const OPTIONS = {
  policy: { type: 'string' },
  workspace: { type: 'string' },
  'allow-net': { type: 'string', multiple: true },
  server: { type: 'string' },
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
  return `usage: ward ${cmd} [--policy FILE] [--workspace DIR] [--allow-net HOST[:PORT],…] [--server URL]
                 [--agent NAME] [--session ID] [--timeout S] [--unsandboxed] [--mode MODE] -- ${what}\n`;
}

/**
 * Runs one command (exec) or a whole agent (run) in the sandbox, reports it as a span when a server is
 * configured, and returns the command's exit code (128+signal when killed). Fails closed: if the sandbox
 * cannot be set up nothing runs and the exit code is 125.
 */
export async function runSandboxCommand(cmd: 'exec' | 'run', args: string[], env: WardEnv): Promise<number> {
  let parsed: ReturnType<typeof parseCommandArgs<typeof OPTIONS>>;
  try {
    parsed = parseCommandArgs(args, OPTIONS);
  } catch (err) {
    process.stderr.write(`ward ${cmd}: ${(err as Error).message}\n${sandboxUsage(cmd)}`);
    return 2;
  }
  const { values, rest, positionals } = parsed;
  if (values.help) {
    process.stdout.write(sandboxUsage(cmd));
    return 0;
  }
  const argv = rest.length > 0 ? rest : positionals;
  if (argv.length === 0) {
    process.stderr.write(`ward ${cmd}: no command given\n${sandboxUsage(cmd)}`);
    return 2;
  }
  const timeout = values.timeout === undefined ? undefined : Number(values.timeout);
  if (timeout !== undefined && !(timeout > 0)) {
    process.stderr.write(`ward ${cmd}: --timeout must be a positive number of seconds\n`);
    return 2;
  }

  if (cmd === 'exec') {
    // The approval gate decides first: allow runs, deny refuses, ask waits for a human (cli/exec-gate.ts).
    const { gateExec } = await import('./exec-gate.js');
    const refused = await gateExec(argv, { mode: values.mode, server: values.server, session: values.session, agent: values.agent }, env);
    if (refused !== null) return refused;
  }

  const lib = await import('../sandbox-runner/index.js');
  let runner: import('../sandbox-runner/index.js').Runner;
  try {
    const base = values.policy ? await lib.loadSandboxPolicyFile(values.policy) : lib.defaultSandboxPolicy();
    const policy = lib.withOverrides(base, {
      ...(values.workspace ? { workspace: values.workspace } : {}),
      allowNet: (values['allow-net'] ?? []).flatMap((s) => s.split(',')).filter(Boolean),
      limits: {
        // A whole agent session runs for hours; one command gets the policy's limits.
        ...(cmd === 'run' ? { timeoutS: 24 * 3600, cpuS: Math.max(base.limits.cpuS, 24 * 3600) } : {}),
        ...(timeout !== undefined ? { timeoutS: timeout } : {}),
      },
    });
    const network =
      policy.allowNet.length > 0 ? await import('../sandbox-runner/network/index.js') : undefined;
    runner = lib.createRunner(policy, {
      cwd: process.cwd(),
      home: env.home,
      processEnv: env.processEnv,
      ...(network ? { network } : {}),
      ...(values.unsandboxed ? { unsandboxed: true } : {}),
      ...(values.policy ? { extraReadOnly: [values.policy] } : {}),
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
  const server = values.server ?? env.server;
  if (server) {
    const [{ commandSpanRecord }, { exportCommandSpan }, { hostname }, { join }] = await Promise.all([
      import('../sandbox-runner/telemetry/span-record.js'),
      import('../sandbox-runner/telemetry/export-span.js'),
      import('node:os'),
      import('node:path'),
    ]);
    const record = commandSpanRecord(result, {
      sessionId: values.session ?? crypto.randomUUID(),
      agent: values.agent ?? (cmd === 'run' ? (argv[0]?.split('/').pop() ?? 'agent') : 'ward'),
      operation: cmd === 'exec' ? 'execute_tool' : 'invoke_agent',
    });
    // Telemetry never changes the command's outcome; export-span spools and warns on failure.
    await exportCommandSpan(record, {
      server,
      ...(env.token ? { token: env.token } : {}),
      spoolDir: join(env.home, '.ward', 'spool'),
      serviceVersion: '0.1.0',
      hostName: hostname(),
      warn: (m) => process.stderr.write(`ward: ${m}\n`),
    }).catch((err: Error) => process.stderr.write(`ward: could not report the command: ${err.message}\n`));
  }
  return received ? 128 + SIGNALS[received] : result.exitCode;
}
