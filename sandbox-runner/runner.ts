import { userInfo } from 'node:os';
import { resolve } from 'node:path';
import type { Writable } from 'node:stream';
import type { SandboxPolicy } from '../gate/fast.js';
import type { NetworkAttempt } from '../schema/fast.js';
import { shellQuote } from './hooks/hook-command.js';
import { diffSnapshots, type FileChange, type FileSnapshot, takeSnapshot } from './sandbox/file-snapshot.js';
import { resolveLayout, type SandboxLayout, SandboxSetupError } from './sandbox/layout.js';
import { rlimitPrefix } from './sandbox/limits.js';
import { type CgroupUsage, JOIN_FAILED } from './sandbox/linux/cgroup.js';
import type { NetworkPort, NetworkProxyHandle } from './sandbox/network-port.js';
import {
  fingerprintRepositories,
  type IndexSeen,
  nestedRepositories,
  neutralizePlantedRepositories,
} from './sandbox/planted-repositories.js';
import { type PreparedSandbox, prepareSandbox, type SandboxNetwork } from './sandbox/prepared-sandbox.js';
import { runProcess } from './sandbox/run-process.js';
import { buildSandboxEnv } from './sandbox/sandbox-env.js';
import {
  type SandboxViolation,
  violationsFromFileChanges,
  violationsFromGit,
  violationsFromStderr,
} from './sandbox/violations.js';
import { type AttemptLog, createAttemptLog } from './telemetry/attempt-log.js';

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
  /** Entries a workspace snapshot holds at most (default SNAPSHOT_MAX_ENTRIES); past it the run says so. */
  snapshotMaxEntries?: number;
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

export type KilledBy = 'timeout' | 'abort' | 'cpu_limit' | 'memory_limit' | null;

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
  /** How the limits were enforced for this command (e.g. whether a cgroup bounded its memory in total). */
  limitsBy: string;
  /** The most memory the whole sandbox held at once, when a cgroup measured it. */
  memoryPeakBytes?: number;
}

export interface Runner {
  readonly layout: SandboxLayout;
  readonly policy: SandboxPolicy;
  /** How limits are enforced here: `cgroup-…` bounds each run's memory in total; `rlimits` only per process. */
  readonly limitsBy: string;
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

const SNAPSHOT_CUT =
  'the writable roots hold more entries than Ward lists after a command: repositories planted and protected names created past them were not checked';

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
  // Indexes as of the last check: only a changed index is read again.
  const indexSeen: IndexSeen = new Map();
  let attempts: AttemptLog = createAttemptLog();

  async function network(): Promise<SandboxNetwork | undefined> {
    if (!proxied || !deps.network || deps.unsandboxed) return undefined;
    const net = deps.network;
    proxy ??= net.startNetworkProxy({
      allow: policy.allowNet,
      ...(deps.denyNetwork ? { deny: deps.denyNetwork } : {}),
      ...(deps.decideNetwork ? { decide: deps.decideNetwork } : {}),
      ...(deps.decideNetworkTimeoutMs ? { decideTimeoutMs: deps.decideNetworkTimeoutMs } : {}),
      onAttempt: (a) => attempts.add(a),
    });
    return net.sandboxNetworkSetup((await proxy).socketDir);
  }

  async function run(command: string | string[], opts: RunOptions = {}): Promise<RunResult> {
    const argv = typeof command === 'string' ? ['/bin/sh', '-c', command] : command;
    if (argv.length === 0) throw new Error('nothing to run: the command is empty');
    const cwd = resolve(layout.workspace, opts.cwd ?? layout.workspace);
    const before = policy.trackFiles ? takeSnapshot(layout.writable, deps.snapshotMaxEntries) : undefined;
    // Nested repositories as they were: one whose config or hooks the command changes is judged again after.
    const reposBefore =
      sandbox && before
        ? fingerprintRepositories(nestedRepositories(layout, before.entries.keys()))
        : undefined;
    attempts = createAttemptLog();
    const net = await network();
    const wrapped = sandbox
      ? sandbox.wrap(argv, cwd, net)
      : { argv: [...rlimitPrefix(policy.limits), ...argv], fdData: [], limitsBy: 'rlimits' };
    // A whole agent session (the terminal passed through) may run for hours while the user runs git next to
    // it: check for planted repositories as it goes, not only at the end.
    const midRun: SandboxViolation[] = [];
    const watch =
      sandbox && (opts.stdio ?? 'pipe') === 'inherit'
        ? setInterval(
            () =>
              midRun.push(
                ...checked('planted repositories', () =>
                  neutralizePlantedRepositories(layout, [], indexSeen),
                ),
              ),
            2000,
          )
        : undefined;
    watch?.unref();
    let usage: CgroupUsage | undefined;
    const outcome = await runProcess({
      argv: wrapped.argv,
      env: { ...env, ...(net?.env ?? {}), PWD: cwd },
      cwd,
      fdData: wrapped.fdData,
      ...(wrapped.startMarker ? { startMarker: true } : {}),
      stdio: opts.stdio ?? 'pipe',
      stdin: opts.stdin ?? 'ignore',
      ...(opts.stdout ? { stdout: opts.stdout } : {}),
      ...(opts.stderr ? { stderr: opts.stderr } : {}),
      timeoutMs: policy.limits.timeoutS * 1000,
      ...(opts.abort ? { abort: opts.abort } : {}),
      captureBytes: opts.captureBytes ?? 1024 * 1024,
    }).finally(async () => {
      usage = await wrapped.release?.();
    });
    if (watch) clearInterval(watch);
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
    // Only when the command never started: its own "bwrap: …" must not hide its run (no span, no changes).
    if (sandbox && !outcome.started && outcome.stderr.startsWith('bwrap:')) {
      throw new SandboxSetupError(`bubblewrap failed: ${outcome.stderr.split('\n')[0]}`);
    }
    if (sandbox && !outcome.started && outcome.stderr.startsWith(JOIN_FAILED)) {
      throw new SandboxSetupError(`the sandbox's cgroup: ${outcome.stderr.split('\n')[0]}`);
    }
    // The kernel's OOM killer ended a process of this sandbox (the cgroup's count, not the command's word).
    const oom = (usage?.oomKills ?? 0) > 0;
    const killedBy: KilledBy = outcome.timedOut
      ? 'timeout'
      : outcome.aborted
        ? 'abort'
        : signal === 'SIGXCPU'
          ? 'cpu_limit'
          : oom && signal === 'SIGKILL'
            ? 'memory_limit'
            : null;

    // The command has run: from here on nothing it left behind may turn its run into "nothing was run" (no
    // span). A check that fails is itself recorded, and the rest still reported.
    const files = { after: undefined as FileSnapshot | undefined, changes: [] as FileChange[] };
    const violations = checked('file changes', () => {
      files.after = before && takeSnapshot(layout.writable, deps.snapshotMaxEntries);
      files.changes = before && files.after ? diffSnapshots(before, files.after) : [];
      // A directory the command made unreadable hides what it wrote there (an agent hook, a planted .git).
      const locked = (files.after?.unreadable ?? []).filter((d) => !before?.unreadable.includes(d));
      // Past the snapshot's bound (a command can make 200 000 files first) a planted repository is not seen.
      const cut = files.after?.truncated ? [{ kind: 'check_failed' as const, detail: SNAPSHOT_CUT }] : [];
      return [
        ...cut,
        ...locked.slice(0, 20).map((d) => ({
          kind: 'check_failed' as const,
          detail: `could not read ${d} after the command: what it holds is not seen`,
        })),
      ];
    });
    const fileChanges = files.changes;
    // What Ward saw itself first; what the command's own error output suggests (it can print anything) last.
    if (killedBy === 'timeout')
      violations.push({ kind: 'timeout', detail: `killed after ${policy.limits.timeoutS}s` });
    if (killedBy === 'cpu_limit')
      violations.push({ kind: 'cpu_limit', detail: `over ${policy.limits.cpuS}s of CPU` });
    if (oom)
      violations.push({
        kind: 'memory_limit',
        detail: `${usage?.oomKills} process(es) killed by the OOM killer at the sandbox's ${policy.limits.memoryMb} MB limit`,
      });
    violations.push(
      ...midRun,
      ...(sandbox
        ? checked('planted repositories', () =>
            neutralizePlantedRepositories(
              layout,
              fileChanges,
              indexSeen,
              reposBefore && files.after
                ? { before: reposBefore, after: nestedRepositories(layout, files.after.entries.keys()) }
                : undefined,
            ),
          )
        : []),
      ...(sandbox ? checked('git metadata', () => violationsFromGit(layout, fileChanges)) : []),
      ...checked('protected paths', () =>
        violationsFromFileChanges(fileChanges, layout.writable, layout.watchedMissing),
      ),
      ...violationsFromStderr(outcome.stderr),
    );

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
      filesTruncated: !!(before?.truncated || files.after?.truncated),
      violations,
      networkAttempts: attempts.list(),
      limitsBy: wrapped.limitsBy,
      ...(usage?.peakBytes !== undefined ? { memoryPeakBytes: usage.peakBytes } : {}),
    };
  }

  return {
    layout,
    policy,
    limitsBy: sandbox?.limitsBy ?? 'rlimits (unsandboxed)',
    run,
    async close() {
      sandbox?.close();
      if (proxy) await (await proxy).close();
      proxy = undefined;
    },
  };
}

/** A check after (or during) the command; one that throws is recorded as such instead of ending the run. */
function checked(what: string, check: () => SandboxViolation[]): SandboxViolation[] {
  try {
    return check();
  } catch (err) {
    return [
      {
        kind: 'check_failed',
        detail: `${what}: ${err instanceof Error ? err.message : String(err)}`.slice(0, 500),
      },
    ];
  }
}

function safeHomedir(): string | undefined {
  try {
    return userInfo().homedir;
  } catch {
    return undefined;
  }
}
