import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultSandboxPolicy } from '../../gate/fast.js';
import { createRunner } from '../runner.js';
import { PRLIMIT_PATH } from '../sandbox/limits.js';
import { detectCgroupPlan, limitsIncomplete } from '../sandbox/linux/cgroup-detect.js';
import { DEFAULT_BWRAP_PATH } from '../sandbox/linux/linux-sandbox.js';
import type { NetworkPort } from '../sandbox/network-port.js';
import { HIDDEN_IN_HOME } from '../sandbox/protected-paths.js';

/** One doctor finding: `fix` is the exact thing to do when it is not ok. */
export interface Check {
  name: string;
  ok: boolean;
  /** A warning does not stop Ward from sandboxing (e.g. rlimits instead of cgroup v2). */
  severity: 'required' | 'recommended';
  detail: string;
  fix?: string;
}

export interface DoctorDeps {
  platform: NodeJS.Platform;
  home: string;
  processEnv: Readonly<Record<string, string | undefined>>;
  bwrapPath?: string;
  loadNetwork?: () => Promise<NetworkPort>;
}

function readNumber(path: string): number | undefined {
  try {
    return Number(readFileSync(path, 'utf8').trim());
  } catch {
    return undefined;
  }
}

/** Checks everything the sandbox needs on this machine, each with the fix for a failure. */
export async function runDoctorChecks(deps: DoctorDeps): Promise<Check[]> {
  const out: Check[] = [];
  const bwrap = deps.bwrapPath ?? DEFAULT_BWRAP_PATH;
  if (deps.platform !== 'linux') {
    return [
      {
        name: 'platform',
        ok: false,
        severity: 'required',
        detail: `${deps.platform} is not supported`,
        fix: 'run Ward on Linux (a VM or WSL2 works)',
      },
    ];
  }
  const version = spawnSync(bwrap, ['--version'], { encoding: 'utf8' });
  const v = /(\d+)\.(\d+)\.(\d+)/.exec(version.stdout ?? '');
  const newEnough = !!v && (Number(v[1]) > 0 || Number(v[2]) >= 8);
  out.push({
    name: 'bubblewrap',
    ok: version.status === 0 && newEnough,
    severity: 'required',
    detail: version.status === 0 ? `${bwrap}: ${version.stdout.trim()}` : `${bwrap} not found`,
    fix: 'sudo apt-get install bubblewrap   (0.8.0 or newer; Fedora: sudo dnf install bubblewrap)',
  });

  const maxNs = readNumber('/proc/sys/user/max_user_namespaces');
  const apparmor = readNumber('/proc/sys/kernel/apparmor_restrict_unprivileged_userns');
  const probe = spawnSync(
    bwrap,
    ['--ro-bind', '/', '/', '--unshare-all', '--unshare-user', '--', '/bin/true'],
    { encoding: 'utf8' },
  );
  out.push({
    name: 'user namespaces',
    ok: probe.status === 0,
    severity: 'required',
    detail:
      probe.status === 0
        ? `bwrap can create a sandbox (max_user_namespaces=${maxNs})`
        : (probe.stderr || probe.error?.message || 'failed').trim(),
    fix:
      apparmor === 1
        ? 'sudo sysctl -w kernel.apparmor_restrict_unprivileged_userns=0   (or add an AppArmor profile allowing userns for /usr/bin/bwrap)'
        : 'sudo sysctl -w user.max_user_namespaces=15000   (and kernel.unprivileged_userns_clone=1 on older Debian kernels)',
  });

  out.push({
    name: 'prlimit',
    ok: existsSync(PRLIMIT_PATH),
    severity: 'required',
    detail: existsSync(PRLIMIT_PATH) ? `${PRLIMIT_PATH} (resource limits)` : `${PRLIMIT_PATH} missing`,
    fix: 'sudo apt-get install util-linux',
  });

  const ws = mkdtempSync(join(tmpdir(), 'ward-doctor-'));
  let limitsBy: string | undefined;
  try {
    const runner = createRunner(defaultSandboxPolicy(), {
      cwd: ws,
      home: deps.home,
      processEnv: deps.processEnv,
      ...(deps.bwrapPath ? { bwrapPath: deps.bwrapPath } : {}),
    });
    const r = await runner.run([
      '/bin/sh',
      '-c',
      'grep -E "^(Seccomp|NoNewPrivs|CapEff):" /proc/self/status',
    ]);
    // Which of this user's credential paths a sandboxed command could read (the empty home should show none).
    const present = HIDDEN_IN_HOME.filter((rel) => existsSync(join(deps.home, rel)));
    const seen = await runner.run([
      '/bin/sh',
      '-c',
      'for p in "$@"; do [ -r "$HOME/$p" ] && echo "$p"; done; true',
      'ward-doctor',
      ...present,
    ]);
    await runner.close();
    const exposed = seen.stdout.split('\n').filter(Boolean);
    out.push({
      name: 'home isolation',
      ok: exposed.length === 0,
      severity: 'required',
      detail:
        exposed.length === 0
          ? `none of ${present.length} credential path(s) in ${deps.home} is readable in the sandbox`
          : `readable in the sandbox: ${exposed.map((p) => `~/${p}`).join(', ')}`,
      fix: 'remove the parent directory from sandbox.home (readOnly/writable) in your policy, or add the path to sandbox.hidden',
    });
    limitsBy = r.limitsBy;
    const filtered = /Seccomp:\s+2/.test(r.stdout) && /NoNewPrivs:\s+1/.test(r.stdout);
    out.push({
      name: 'seccomp',
      ok: filtered,
      severity: 'required',
      detail: filtered
        ? `filter active in the sandbox (limits: ${r.limitsBy})`
        : `sandbox status: ${r.stdout.trim() || r.stderr.trim()}`,
      fix: 'use a kernel built with CONFIG_SECCOMP_FILTER=y (every mainstream distribution kernel is)',
    });
  } catch (err) {
    out.push({
      name: 'seccomp',
      ok: false,
      severity: 'required',
      detail: (err as Error).message,
      fix: 'fix the checks above first',
    });
  } finally {
    rmSync(ws, { recursive: true, force: true });
  }

  // What bounds a sandbox's memory in total (not per process): the test command above ran under it.
  const v2 = existsSync('/sys/fs/cgroup/cgroup.controllers');
  const plan = detectCgroupPlan();
  const bounded = limitsBy !== undefined && !limitsIncomplete(limitsBy);
  out.push({
    name: 'cgroup',
    ok: bounded,
    severity: 'recommended',
    detail: `${limitsBy ?? 'no sandbox ran'}${plan?.memory ? ` (groups under ${plan.memory})` : ''}`,
    fix: v2
      ? 'run Ward where it may create cgroups with the memory controller: systemd-run --user --scope -p Delegate=yes ward …, or as root'
      : 'as root on cgroup v1, Ward needs a writable memory hierarchy; or boot with systemd.unified_cgroup_hierarchy=1 and delegate (systemd-run --user --scope -p Delegate=yes ward …)',
  });

  out.push(bareRepositoryCheck(deps));

  if (deps.loadNetwork) {
    try {
      const net = await deps.loadNetwork();
      const proxy = await net.startNetworkProxy({ allow: ['example.com:443'], onAttempt: () => {} });
      const ok = existsSync(proxy.socketDir);
      await proxy.close();
      out.push({
        name: 'network proxy',
        ok,
        severity: 'recommended',
        detail: ok ? 'allowlist proxy starts and stops' : 'socket dir missing',
        fix: 'report a bug: the proxy could not create its socket directory',
      });
    } catch (err) {
      out.push({
        name: 'network proxy',
        ok: false,
        severity: 'recommended',
        detail: (err as Error).message,
        fix: 'without it --allow-net is refused; commands still run with no network',
      });
    }
  }
  return out;
}

/**
 * A sandboxed command may plant a bare repository (HEAD, objects/, refs/, config) in the work tree; git
 * outside would obey its config wherever it finds no valid .git first. Ward records that; git itself refuses
 * such repositories with safe.bareRepository=explicit (git 2.38 and newer).
 */
export function bareRepositoryCheck(deps: Pick<DoctorDeps, 'home' | 'processEnv'>): Check {
  const r = spawnSync('git', ['config', '--global', '--get', 'safe.bareRepository'], {
    encoding: 'utf8',
    env: { PATH: deps.processEnv.PATH ?? '/usr/bin:/bin', HOME: deps.home },
  });
  const value = (r.stdout ?? '').trim();
  const noGit = r.error !== undefined;
  return {
    name: 'git bare repos',
    ok: noGit || value === 'explicit',
    severity: 'recommended',
    detail: noGit
      ? 'git not installed'
      : value === 'explicit'
        ? 'safe.bareRepository=explicit: git ignores bare repositories planted in a work tree'
        : `safe.bareRepository=${value || 'all (default)'}: git outside the sandbox would obey a bare repository an agent planted in the work tree`,
    fix: 'git config --global safe.bareRepository explicit   (git 2.38 or newer)',
  };
}
