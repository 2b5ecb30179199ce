import { resolve } from 'node:path';
import type { ApprovalPort } from '../schema/index.js';
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

export function sandboxUsage(cmd: 'exec' | 'run'): string {
  const what = cmd === 'exec' ? 'CMD ARGS…' : 'AGENT ARGS…';
  return `usage: ward ${cmd} [--policy FILE] [--workspace DIR] [--allow-net HOST[:PORT],…] [--ask-net] [--server URL]
                 [--insecure-server] [--agent NAME] [--session ID] [--timeout S] [--unsandboxed] [--mode MODE]
                 -- ${what}\n`;
}

/**
 * `ward exec` / `ward run`: parses the arguments, applies the runner's trust rules for the server, and wires
 * the environment into sandbox-runner's runSandboxCommand (which decides, runs and reports). Returns the exit
 * code; 2 for a bad command line.
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
  const timeoutS = values.timeout === undefined ? undefined : Number(values.timeout);
  if (timeoutS !== undefined && !(timeoutS > 0)) {
    process.stderr.write(`ward ${cmd}: --timeout must be a positive number of seconds\n`);
    return 2;
  }
  // One short parse never profits from V8's optimizing WASM compiler (cli/baseline-wasm.ts).
  if (cmd === 'exec') await (await import('./baseline-wasm.js')).useBaselineWasmOnly();
  const runner = await import('../sandbox-runner/fast.js');
  // What this process inherited open (a pipe or file its parent left) would reach the sandbox through bwrap.
  if (!values.unsandboxed) {
    const channel = Number(env.processEnv.NODE_CHANNEL_FD);
    runner.closeInheritedFds(Number.isInteger(channel) ? [channel] : []);
  }
  return runner.runSandboxCommand(
    {
      cmd,
      argv,
      policyFile: values.policy,
      workspace: values.workspace,
      mode: values.mode,
      allowNet: values['allow-net'] ?? [],
      askNet: values['ask-net'] === true,
      agent: values.agent,
      session: values.session,
      timeoutS,
      unsandboxed: values.unsandboxed === true,
    },
    {
      cwd: process.cwd(),
      home: env.home,
      processEnv: env.processEnv,
      stdout: process.stdout,
      stderr: process.stderr,
      signals: process,
      approvals: server ? approvalsFor(server, env) : undefined,
      reportSpan: server ? (record) => reportSpan(record, server, env) : undefined,
      dataDirs: (workspace) => wardDataDirs(env, workspace),
    },
  );
}

/**
 * The runner's approval client, made once on first use: the same trust rules as every server call (no token
 * or decision over plain http beyond loopback; with WARD_DECISION_KEY an unsigned or forged answer is a deny,
 * and an unreadable key refuses rather than asks unchecked).
 */
function approvalsFor(server: string, env: WardEnv): () => Promise<ApprovalPort> {
  let client: Promise<ApprovalPort> | undefined;
  return () =>
    (client ??= (async () => {
      const trust = await import('./decision-key.js');
      const insecure = trust.insecureServerProblem(server, env);
      if (insecure) throw new Error(insecure);
      return (await import('../sandbox-runner/fast.js')).createApprovalClient({
        server,
        token: env.token,
        ...trust.pinnedDecisionKey(env),
      });
    })());
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
