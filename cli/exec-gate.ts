import type { WardEnv } from './env.js';

function shellQuote(a: string): string {
  return /^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replaceAll("'", `'\\''`)}'`;
}

/**
 * The approval gate in front of `ward exec`: returns null when the command may run, else the exit code
 * after telling the user why not. An ask waits for a human through the Ward server (fail closed: no
 * server, an unreachable one, a timeout or a broken policy refuse the command).
 */
export async function gateExec(
  argv: string[],
  o: { mode?: string; server?: string; session?: string; agent?: string; waitS?: number },
  env: WardEnv,
): Promise<number | null> {
  const [{ loadHookGate, hookDecider }, approvals] = await Promise.all([
    import('../sandbox-runner/hooks/index.js'),
    import('../sandbox-runner/approvals/index.js'),
  ]);
  const command = argv.length === 1 ? (argv[0] as string) : argv.map(shellQuote).join(' ');
  const cwd = process.cwd();
  let decide: ReturnType<typeof hookDecider>;
  try {
    decide = hookDecider(await loadHookGate({ cwd, home: env.home, mode: o.mode }));
  } catch (err) {
    process.stderr.write(`ward exec: the approval gate could not start: ${(err as Error).message}\nnothing was run\n`);
    return approvals.REFUSED_EXIT;
  }
  const server = o.server ?? env.server;
  const outcome = await approvals.gateCommand({
    gate: { decide: ({ command: c, cwd: d }) => decide({ tool: 'Bash', command: c, toolInput: { command: c }, cwd: d, session: '' }) },
    ...(server ? { client: approvals.createApprovalClient({ server, token: env.token }) } : {}),
    command,
    session: o.session ?? 'ward-exec',
    agent: o.agent ?? 'ward',
    cwd,
    mode: o.mode ?? '',
    waitMs: (o.waitS ?? 300) * 1000,
    stderr: process.stderr,
  });
  if (outcome.run) {
    if (outcome.source === 'user') process.stderr.write(`ward: approved (${outcome.reason}); running\n`);
    return null;
  }
  process.stderr.write(`ward exec: refused, nothing was run: ${outcome.reason}\n`);
  return approvals.REFUSED_EXIT;
}
