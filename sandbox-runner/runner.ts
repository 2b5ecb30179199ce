import { userInfo } from 'node:os';
import { resolve } from 'node:path';
import type { Writable } from 'node:stream';
import type { SandboxPolicy } from '../gate/fast.js';
import type { NetworkAttempt } from '../schema/fast.js';
import { diffSnapshots, type FileChange, takeSnapshot } from './sandbox/file-snapshot.js';
import { resolveLayout, type SandboxLayout, SandboxSetupError } from './sandbox/layout.js';
import { rlimitPrefix } from './sandbox/limits.js';
import type { NetworkPort, NetworkProxyHandle } from './sandbox/network-port.js';
import { gitlinkDotGits, plantedGitlinks } from './sandbox/planted-gitlinks.js';
import { type PreparedSandbox, prepareSandbox, type SandboxNetwork } from './sandbox/prepared-sandbox.js';
import { runProcess } from './sandbox/run-process.js';
import { buildSandboxEnv } from './sandbox/sandbox-env.js';
import {
  quarantinePlantedRepos,
  type SandboxViolation,
  uniqueViolations,
  violationsFromFileChanges,
  violationsFromGit,
  violationsFromStderr,
} from './sandbox/violations.js';

/** What the runner needs from its host process (the CLI passes these; nothing here reads process.env). */
export interface RunnerDeps {
  cwd: string;
  home: string;
  /** The parent environment the sandbox's allowlisted environment is built from. */
  processEnv: Readonly<Record<string, string | undefined>>;
  platform?: NodeJS.Platform;
  bwrapPath?: string;
  /** The network proxy; required when the policy allows hosts. */
  network?: NetworkPort;
  /**
   * Asked about hosts outside the allowlist (the approval gate); none means deny. When given, the proxy runs
   * even if the policy allows no host, so that a connection can be asked about.
   */
  decideNetwork?: (host: string, port: number) => Promise<'allow' | 'deny'>;
  /** Longest `decideNetwork` may take before the connection is refused (ms, default the proxy's 120 s). */
  decideNetworkTimeoutMs?: number;
  /** The policy's network deny list: a reason refuses the host before the allowlist or an ask. */
  denyNetwork?: (host: string, port: number) => string | null;
  /** Run without the sandbox. Only `--unsandboxed` sets this; results say sandboxed=false. */
  unsandboxed?: boolean;
  /** Paths pinned read-only besides the built-in ones (e.g. the policy file in use). */
  extraReadOnly?: string[];
  /** `ward run`'s agent name: its home profile (config read-only, sessions writable, login hidden). */
  agent?: string;
  /** Ward's data directories (admin token, database, spool), hidden from the sandbox wherever they are. */
  dataDirs?: string[];
  useCgroup?: boolean;
}

/** Per-command options. */
export interface RunOptions {
  cwd?: string;
  /** 'inherit' gives the command the terminal (ward run); 'pipe' (default) captures and tees its output. */
  stdio?: 'inherit' | 'pipe';
  stdin?: 'inherit' | 'ignore';
  stdout?: Writable;
  stderr?: Writable;
  abort?: AbortSignal;
  /** Bytes of stdout and of stderr kept in the result (default 1 MiB each). */
  captureBytes?: number;
}

export type KilledBy = 'timeout' | 'abort' | 'cpu_limit' | null;

/** Everything known about one command after it ran. */
export interface RunResult {
  argv: string[];
  command: string;
  cwd: string;
  workspace: string;
  sandboxed: boolean;
  /** The command's exit code; 128+n when it died of signal n. */
  exitCode: number;
  /** Signal name when it died of one (inferred from bwrap's 128+n status inside the sandbox). */
  signal: string | null;
  killedBy: KilledBy;
  startTimeMs: number;
  durationMs: number;
  stdout: string;
  stderr: string;
  outputTruncated: boolean;
  fileChanges: FileChange[];
  filesTruncated: boolean;
  violations: SandboxViolation[];
  networkAttempts: NetworkAttempt[];
  limitsBy: string;
}

export interface Runner {
  readonly layout: SandboxLayout;
  readonly policy: SandboxPolicy;
  /** Runs one command (argv, or a string for /bin/sh -c) in a fresh sandbox. */
  run(command: string | string[], opts?: RunOptions): Promise<RunResult>;
  /** Stops the network proxy if one was started. */
  close(): Promise<void>;
}

const SIGNALS: Record<number, string> = {
  1: 'SIGHUP',
  2: 'SIGINT',
  3: 'SIGQUIT',
  4: 'SIGILL',
  6: 'SIGABRT',
  7: 'SIGBUS',
  8: 'SIGFPE',
  9: 'SIGKILL',
  11: 'SIGSEGV',
  13: 'SIGPIPE',
  14: 'SIGALRM',
  15: 'SIGTERM',
  24: 'SIGXCPU',
  25: 'SIGXFSZ',
  31: 'SIGSYS',
};
const SIGNUM = Object.fromEntries(Object.entries(SIGNALS).map(([n, s]) => [s, Number(n)]));

function shellQuote(a: string): string {
  return /^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replaceAll("'", `'\\''`)}'`;
}

/**
 * A resident runner: resolves the policy, builds the bwrap argv and the seccomp program once, then runs
 * each command in a fresh sandbox. Throws SandboxSetupError (fail closed) when it cannot sandbox.
 */
export function createRunner(policy: SandboxPolicy, deps: RunnerDeps): Runner {
  const homes = [...new Set([deps.home, safeHomedir()].filter((h): h is string => !!h))];
  const layout = resolveLayout(policy, {
    cwd: deps.cwd,
    homes,
    extraReadOnly: deps.extraReadOnly,
    path: deps.processEnv.PATH,
    execPath: process.execPath,
    agent: deps.agent,
    dataDirs: deps.dataDirs,
  });
  const platform = deps.platform ?? process.platform;
  const sandbox: PreparedSandbox | undefined = deps.unsandboxed
    ? undefined
    : prepareSandbox(platform, layout, policy.limits, {
        bwrapPath: deps.bwrapPath,
        useCgroup: deps.useCgroup,
      });
  const proxied = policy.allowNet.length > 0 || deps.decideNetwork !== undefined;
  if (proxied && !deps.network) {
    throw new SandboxSetupError(
      'the policy allows (or asks about) network hosts but the network proxy is not available in this build; refusing to run',
    );
  }
  const env = buildSandboxEnv(deps.processEnv, policy.env, { WARD_SANDBOX: deps.unsandboxed ? '0' : '1' });
  let proxy: Promise<NetworkProxyHandle> | undefined;
  let attempts: NetworkAttempt[] = [];

  async function network(): Promise<SandboxNetwork | undefined> {
    if (!proxied || !deps.network || deps.unsandboxed) return undefined;
    const net = deps.network;
    proxy ??= net.startNetworkProxy({
      allow: policy.allowNet,
      ...(deps.denyNetwork ? { deny: deps.denyNetwork } : {}),
      ...(deps.decideNetwork ? { decide: deps.decideNetwork } : {}),
      ...(deps.decideNetworkTimeoutMs ? { decideTimeoutMs: deps.decideNetworkTimeoutMs } : {}),
      onAttempt: (a) => attempts.push(a),
    });
    return net.sandboxNetworkSetup((await proxy).socketDir);
  }

  async function run(command: string | string[], opts: RunOptions = {}): Promise<RunResult> {
    const argv = typeof command === 'string' ? ['/bin/sh', '-c', command] : command;
    if (argv.length === 0) throw new Error('nothing to run: the command is empty');
    const cwd = resolve(layout.workspace, opts.cwd ?? layout.workspace);
    const before = policy.trackFiles ? takeSnapshot(layout.writable) : undefined;
    // Gitlinks' .git entries, read from the index: the file snapshot skips node_modules and stops at a bound.
    const gitlinksBefore = sandbox ? gitlinkDotGits(layout.gitDirs) : undefined;
    attempts = [];
    const net = await network();
    const wrapped = sandbox
      ? sandbox.wrap(argv, cwd, net)
      : { argv: [...rlimitPrefix(policy.limits), ...argv], fdData: [] };
    const outcome = await runProcess({
      argv: wrapped.argv,
      env: { ...env, ...(net?.env ?? {}), PWD: cwd },
      cwd,
      fdData: wrapped.fdData,
      stdio: opts.stdio ?? 'pipe',
      stdin: opts.stdin ?? 'ignore',
      ...(opts.stdout ? { stdout: opts.stdout } : {}),
      ...(opts.stderr ? { stderr: opts.stderr } : {}),
      timeoutMs: policy.limits.timeoutS * 1000,
      ...(opts.abort ? { abort: opts.abort } : {}),
      captureBytes: opts.captureBytes ?? 1024 * 1024,
    });
    if (outcome.spawnError) {
      throw new SandboxSetupError(`could not start ${wrapped.argv[0]}: ${outcome.spawnError.message}`);
    }

    let signal: string | null = outcome.signal;
    let exitCode = outcome.exitCode ?? 128 + (SIGNUM[outcome.signal ?? ''] ?? 0);
    if (!signal && exitCode > 128 && exitCode < 160)
      signal = SIGNALS[exitCode - 128] ?? `SIG${exitCode - 128}`;
    if (outcome.timedOut || outcome.aborted) {
      signal = 'SIGKILL';
      exitCode = 137;
    }
    // bwrap itself reports setup failures (exit 1, message prefixed "bwrap:"): never pass that off as a result.
    if (sandbox && outcome.stderr.startsWith('bwrap:')) {
      throw new SandboxSetupError(`bubblewrap failed: ${outcome.stderr.split('\n')[0]}`);
    }
    const killedBy: KilledBy = outcome.timedOut
      ? 'timeout'
      : outcome.aborted
        ? 'abort'
        : signal === 'SIGXCPU'
          ? 'cpu_limit'
          : null;

    const after = before ? takeSnapshot(layout.writable) : undefined;
    const fileChanges = before && after ? diffSnapshots(before, after) : [];
    const violations = [
      ...violationsFromStderr(outcome.stderr),
      ...violationsFromFileChanges(fileChanges, layout.writable, layout.watchedMissing),
      // A repository planted in the work tree runs its config outside (git status recurses into gitlinks).
      ...(sandbox
        ? quarantinePlantedRepos(
            uniqueViolations([
              ...violationsFromGit(layout, fileChanges),
              ...plantedGitlinks(gitlinksBefore, gitlinkDotGits(layout.gitDirs)),
            ]),
          )
        : []),
    ];
    if (killedBy === 'timeout')
      violations.push({ kind: 'timeout', detail: `killed after ${policy.limits.timeoutS}s` });
    if (killedBy === 'cpu_limit')
      violations.push({ kind: 'cpu_limit', detail: `over ${policy.limits.cpuS}s of CPU` });

    return {
      argv,
      command: argv.map(shellQuote).join(' '),
      cwd,
      workspace: layout.workspace,
      sandboxed: !!sandbox,
      exitCode,
      signal,
      killedBy,
      startTimeMs: outcome.startTimeMs,
      durationMs: outcome.durationMs,
      stdout: outcome.stdout,
      stderr: outcome.stderr,
      outputTruncated: outcome.truncated,
      fileChanges,
      filesTruncated: !!(before?.truncated || after?.truncated),
      violations,
      networkAttempts: attempts,
      limitsBy: sandbox?.limitsBy ?? 'rlimits',
    };
  }

  return {
    layout,
    policy,
    run,
    async close() {
      sandbox?.close();
      if (proxy) await (await proxy).close();
      proxy = undefined;
    },
  };
}

function safeHomedir(): string | undefined {
  try {
    return userInfo().homedir;
  } catch {
    return undefined;
  }
}
