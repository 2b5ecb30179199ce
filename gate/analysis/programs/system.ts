import type { RuleId } from '../../taxonomy/rules.js';
import { type Handler, operands } from '../call.js';
import { probe, report } from '../context.js';
import { touch } from '../effects.js';
import { UNKNOWN } from '../script.js';
import { secretsIntoContainer } from './container-env.js';

export const always =
  (rule: RuleId, detail?: string): Handler =>
  (c) =>
    report(c.ctx, rule, detail ?? `${c.name} ${c.args.join(' ')}`.trim().slice(0, 120));

/** Runs `rule` unless the first operand is one of the read-only subcommands. */
export const unlessSub =
  (rule: RuleId, readOnly: RegExp): Handler =>
  (c) => {
    const sub = c.args.find((a) => !a.startsWith('-') && a !== '.') ?? '';
    if (
      !readOnly.test(sub) &&
      !(sub === '' && c.args.every((a) => /^-(l|list|h|help|-version|V|-help)$/.test(a)))
    )
      report(c.ctx, rule, `${c.name} ${c.args.join(' ')}`.trim().slice(0, 120));
  };

/** Container subcommands that only read the daemon's state. */
const CONTAINER_READ =
  /^(ps|images|version|info|logs|inspect|stats|top|port|history|search|help|events|diff|df|ls|du|config|show|list|wait)$/;
/**
 * Subcommands whose effect stays inside containers and the daemon's own images: judged by their flags (a
 * host mount, host namespaces, extra capabilities or devices make a container root on the host).
 */
const CONTAINER_CONTAINED =
  /^(run|create|start|stop|restart|kill|pause|unpause|tag|rename|update|build|pull|down|use|commit|export|save|load|import|connect|disconnect|prune|rm|init)$/;
/** `compose` verbs that only act on containers the compose file already created. */
const COMPOSE_CONTAINED = /^(down|build|pull|stop|start|restart|kill|pause|unpause)$/;
/** `docker <group> <verb>`: groups whose verbs are judged as above. */
const CONTAINER_GROUPS =
  /^(compose|buildx|builder|system|volume|network|image|container|context|secret|service|node|manifest|plugin|trust|machine)$/;
/** Flags that hand the host to the container. */
const HOST_FLAGS =
  /^--?(privileged|pid|net|network|ipc|uts|userns|cgroupns)(=host)?$|^--(cap-add|device|security-opt|volumes-from)(=|$)/;

/** docker/podman/nerdctl: the daemon is root-equivalent, so what a container may reach on the host decides. */
const container: Handler = (c) => {
  if (c.args.some((a) => a === '--help' || a === '-h')) return;
  const words = c.args.filter((a) => !a.startsWith('-'));
  const [group, verb] = words;
  if (group === undefined) return;
  const sub = CONTAINER_GROUPS.test(group) ? (verb ?? '') : group;
  if (CONTAINER_READ.test(sub)) return;
  const shown = `${c.name} ${c.args.join(' ')}`.trim().slice(0, 120);
  if (/^(run|create|exec)$/.test(sub) && group !== 'compose')
    secretsIntoContainer(c, c.args.slice(c.args.indexOf(sub) + 1));
  // `compose up` runs whatever the compose file (which the agent can write) mounts: not contained.
  if (!CONTAINER_CONTAINED.test(sub) || (group === 'compose' && !COMPOSE_CONTAINED.test(sub))) {
    report(c.ctx, 'exec.container', shown);
    return;
  }
  if (sub === 'build') {
    // The build context and Dockerfile are sent to the daemon: from outside the workspace that is a read
    // of whatever lies there, and a Dockerfile nobody reviewed.
    const ops = operands(c.args, [
      '-t',
      '--tag',
      '-f',
      '--file',
      '--build-arg',
      '--target',
      '--platform',
      '--label',
      '-o',
      '--output',
      '--secret',
      '--ssh',
      '--network',
      '--progress',
      '--cache-from',
      '--cache-to',
      '--iidfile',
      '--builder',
    ]);
    const file = c.args[c.args.findIndex((a) => a === '-f' || a === '--file') + 1];
    for (const p of [...ops.filter((o) => o !== 'build' && o !== group), ...(file ? [file] : [])]) {
      if (/^[a-z][\w+.-]*:\/\//i.test(p) || p === '-') continue;
      const zone = touch(probe(c.ctx), p, 'read', c.cwd);
      if (zone !== 'workspace')
        report(c.ctx, 'exec.container', `${c.name} builds from ${p} outside the workspace`);
    }
  }
  for (let i = 0; i < c.args.length; i++) {
    const a = c.args[i] ?? '';
    const next = c.args[i + 1] ?? '';
    if (HOST_FLAGS.test(a) && (!/^--?(pid|net|network|ipc|uts|userns|cgroupns)$/.test(a) || next === 'host'))
      report(c.ctx, 'exec.container', `${shown} (${a}${/=/.test(a) ? '' : ` ${next}`})`.trim());
    const mount = /^(-v|--volume|--mount)$/.test(a) ? next : /^(--volume|--mount)=(.*)$/.exec(a)?.[2];
    if (mount !== undefined) {
      const host =
        /(?:^|,)(?:source|src)=([^,]+)/.exec(mount)?.[1] ?? (mount.includes(':') ? mount.split(':')[0] : '');
      if (host && (/^[/~.$]/.test(host) || host.includes(UNKNOWN))) {
        const side = probe(c.ctx);
        const zone = touch(side, host, 'write', c.cwd);
        if (zone !== 'workspace' && zone !== 'temp')
          report(c.ctx, 'exec.container', `${c.name} mounts ${host} from the host`);
      }
    }
  }
};

/** Services that log or watch (telemetry collectors and shippers too: stopping one blinds whoever reads it). */
const LOGGING =
  /syslog|rsyslog|journald|auditd|audit|syslog-ng|osquery|falcon|carbonblack|sentinel|santa|wazuh|ossec|elastic-agent|mdatp|sysmon|\botel|opentelemetry|fluent-?bit|fluentd|promtail|datadog-agent|splunk/i;
/** Of those, the ones that keep logs or telemetry (the rest are security tools). */
const LOG_KEEPING = /syslog|journald|audit|\botel|opentelemetry|fluent|promtail|datadog-agent|splunk/i;

const serviceControl: Handler = (c) => {
  const verb = c.args.find((a) => !a.startsWith('-')) ?? '';
  const target = c.args.slice(c.args.indexOf(verb) + 1).join(' ');
  if (
    /^(status|show|list-units|list-unit-files|is-active|is-enabled|cat|list-timers)$/.test(verb) ||
    verb === ''
  )
    return;
  if (
    /^(stop|disable|mask|kill|unload|bootout|remove)$/.test(verb) &&
    LOGGING.test(`${target} ${c.args.join(' ')}`)
  )
    report(
      c.ctx,
      LOG_KEEPING.test(target) ? 'evade.disable-logging' : 'evade.disable-security',
      `${c.name} ${verb} ${target}`,
    );
  else
    report(
      c.ctx,
      c.name === 'launchctl' ? 'persist.launchd' : 'persist.service',
      `${c.name} ${verb} ${target}`.trim(),
    );
};
const service: Handler = (c) => {
  const [name, verb] = operands(c.args);
  if (!verb || /^(status)$/.test(verb)) return;
  if (/^(stop)$/.test(verb) && LOGGING.test(name ?? ''))
    report(c.ctx, 'evade.disable-logging', `service ${name} stop`);
  else report(c.ctx, 'persist.service', `service ${name} ${verb}`);
};

const crontab: Handler = (c) => {
  if (c.args.length === 1 && c.args[0] === '-l') return;
  if (c.args.includes('-l') && !c.args.includes('-e') && operands(c.args, ['-u']).length === 0) return;
  if (c.args.includes('-r')) report(c.ctx, 'destroy.delete-system', 'crontab -r removes all cron jobs');
  else report(c.ctx, 'persist.cron', `crontab ${c.args.join(' ')}`.trim());
};

const history: Handler = (c) => {
  if (c.args.some((a) => /^-[a-zA-Z]*[cdw]/.test(a)))
    report(c.ctx, 'evade.history', `history ${c.args.join(' ')}`);
};

const HIST_VARS = /^(HISTFILE|HISTSIZE|HISTFILESIZE|HISTCONTROL|HISTIGNORE|SAVEHIST)$/;
/** `export`, `unset`, `set` and bare assignments: history and prompt hooks. */
const shellState: Handler = (c) => {
  for (const a of c.cmd.assigns) {
    if (
      HIST_VARS.test(a.name) &&
      (/^0?$|\/dev\/null|^\*$|ignorespace|ignoreboth/.test(a.value) || c.name === 'unset')
    )
      report(c.ctx, 'evade.history', `${a.name}=${a.value}`);
    if (a.name === 'PROMPT_COMMAND')
      report(c.ctx, 'collect.keylog', 'PROMPT_COMMAND runs code before every prompt');
    if (a.name === 'LD_PRELOAD' || a.name === 'DYLD_INSERT_LIBRARIES')
      report(c.ctx, 'persist.login-hook', `${a.name}=${a.value}`);
  }
  if (c.name === 'unset' && c.args.some((a) => HIST_VARS.test(a)))
    report(c.ctx, 'evade.history', `unset ${c.args.join(' ')}`);
  if (c.name === 'set' && c.args.join(' ').includes('+o history'))
    report(c.ctx, 'evade.history', 'set +o history');
};

const trap: Handler = (c) => {
  const ops = operands(c.args);
  const action = ops[0] ?? '';
  const signals = ops.slice(1).join(' ');
  if (/DEBUG|RETURN/.test(signals)) report(c.ctx, 'collect.keylog', `trap on ${signals}`);
  if (action && action !== '-') c.shell(action);
};

const date: Handler = (c) => {
  if (c.args.some((a) => a === '-s' || a.startsWith('--set') || /^\d{8,12}(\.\d\d)?$/.test(a)))
    report(c.ctx, 'evade.timestomp', 'date sets the clock');
};

const kill: Handler = (c) => {
  if (c.args.includes('-0') || c.args.includes('-l')) return;
  report(c.ctx, 'exec.signal', `${c.name} ${c.args.join(' ')}`.slice(0, 80));
};

const security: Handler = (c) => {
  const sub = c.args[0] ?? '';
  if (/add-trusted-cert|trust-settings-import/.test(sub)) report(c.ctx, 'priv.trust-cert', `security ${sub}`);
  else if (
    /dump-keychain|find-.*password|find-certificate|export|import|unlock-keychain|dump-trust/.test(sub)
  )
    report(c.ctx, 'read.keychain', `security ${sub}`);
};

const dscl: Handler = (c) => {
  const text = c.args.join(' ');
  if (/IsHidden/.test(text)) report(c.ctx, 'evade.hidden-user', 'dscl hides a user');
  else if (/-(create|append|delete|passwd|merge|change)/.test(text))
    report(c.ctx, 'persist.account', `dscl ${text}`.slice(0, 100));
};

const sysadminctl: Handler = (c) => {
  const text = c.args.join(' ');
  if (/guestAccount\s+on/.test(text)) report(c.ctx, 'persist.account', 'enables the guest account');
  else if (/-(addUser|deleteUser|resetPasswordFor|secureTokenOn)/.test(text))
    report(c.ctx, 'persist.account', `sysadminctl ${text}`.slice(0, 100));
};

const defaults: Handler = (c) => {
  if (c.args[0] !== 'write' && c.args[0] !== 'delete') return;
  const text = c.args.join(' ');
  if (/LoginHook|LogoutHook|loginwindow/.test(text)) report(c.ctx, 'persist.login-hook', `defaults ${text}`);
  else if (/AppleShowAllFiles|Hidden/i.test(text)) report(c.ctx, 'perm.hide', `defaults ${text}`);
  else report(c.ctx, 'write.system', `defaults ${text}`.slice(0, 100));
};

const sysctl: Handler = (c) => {
  const text = c.args.join(' ');
  if (/hv_vendor|hv_vmm|hypervisor|machdep\.cpu\.features|vmm/.test(text))
    report(c.ctx, 'evade.vm-check', `sysctl ${text}`);
  else if (c.args.includes('-w') || /=/.test(text)) report(c.ctx, 'write.proc', `sysctl ${text}`);
};

const mount: Handler = (c) => {
  if (c.args.length === 0 || c.args.every((a) => a === '-l' || a === '-v' || /^-t$/.test(a))) return;
  if (operands(c.args, ['-t', '-o', '-O', '-L', '-U']).length === 0) return;
  report(c.ctx, 'write.system', `${c.name} ${c.args.join(' ')}`.slice(0, 100));
};

const firewall: Handler = (c) => {
  const text = c.args.join(' ');
  if (/^(status|show|list|-L|-S|-n|-s)\b/.test(text) && !/-[FXPDZ]\b/.test(text)) return;
  report(c.ctx, 'evade.firewall', `${c.name} ${text}`.slice(0, 100));
};

export const SYSTEM_PROGRAMS: Record<string, Handler> = {
  ufw: firewall,
  iptables: firewall,
  ip6tables: firewall,
  nft: firewall,
  pfctl: firewall,
  'firewall-cmd': firewall,
  setenforce: (c) => {
    if (/^(0|permissive)$/i.test(c.args[0] ?? ''))
      report(c.ctx, 'evade.disable-security', 'setenforce 0 turns SELinux off');
  },
  auditctl: (c) => {
    if (c.args.some((a) => /^-[Dd]$|^-e$|^-W$/.test(a)))
      report(c.ctx, 'evade.disable-logging', `auditctl ${c.args.join(' ')}`);
  },
  systemctl: serviceControl,
  launchctl: serviceControl,
  service,
  'systemd-run': always('persist.service'),
  'update-rc.d': always('persist.service'),
  chkconfig: always('persist.service'),
  crontab,
  at: always('exec.schedule-once'),
  batch: always('exec.schedule-once'),
  history,
  export: shellState,
  unset: shellState,
  set: shellState,
  declare: shellState,
  typeset: shellState,
  local: shellState,
  '': shellState,
  trap,
  date,
  kill,
  killall: kill,
  pkill: kill,
  skill: kill,
  halt: always('exec.power'),
  reboot: always('exec.power'),
  shutdown: always('exec.power'),
  poweroff: always('exec.power'),
  init: (c) => {
    if (/^[06sS]$/.test(c.args[0] ?? '')) report(c.ctx, 'exec.power', `init ${c.args[0]}`);
  },
  useradd: always('persist.account'),
  adduser: always('persist.account'),
  usermod: always('persist.account'),
  userdel: always('persist.account'),
  groupadd: always('persist.account'),
  groupmod: always('persist.account'),
  passwd: always('persist.account'),
  chpasswd: always('persist.account'),
  chsh: always('persist.account'),
  vipw: always('persist.account'),
  pw: always('persist.account'),
  dscl,
  sysadminctl,
  dsenableroot: always('persist.account'),
  insmod: always('persist.kernel-module'),
  modprobe: always('persist.kernel-module'),
  rmmod: always('persist.kernel-module'),
  kldload: always('persist.kernel-module'),
  kextload: always('persist.kernel-module'),
  tcpdump: always('collect.sniff'),
  tshark: always('collect.sniff'),
  dumpcap: always('collect.sniff'),
  ettercap: always('collect.sniff'),
  tmutil: unlessSub('evade.recovery', /^(status|listbackups|latestbackup|destinationinfo|version)$/),
  vssadmin: always('evade.recovery'),
  security,
  'update-ca-certificates': always('priv.trust-cert'),
  trust: unlessSub('priv.trust-cert', /^(list|extract)$/),
  osascript: always('exec.applescript'),
  docker: container,
  podman: container,
  nerdctl: container,
  // The standalone compose programs read the same compose file as `docker compose`.
  'docker-compose': (c) => container({ ...c, name: 'docker', args: ['compose', ...c.args] }),
  'podman-compose': (c) => container({ ...c, name: 'podman', args: ['compose', ...c.args] }),
  kubectl: (c) => {
    const [sub, verb] = c.args.filter((a) => !a.startsWith('-'));
    // Reading the cluster, waiting on it and forwarding a local port change no workload.
    if (
      /^(get|describe|logs|version|explain|api-resources|api-versions|top|config|cluster-info|auth|help|events|wait|kustomize|completion|diff|plugin|port-forward|proxy)$/.test(
        sub ?? '',
      ) ||
      (sub === 'rollout' && /^(status|history)$/.test(verb ?? '')) ||
      sub === undefined
    )
      return;
    report(c.ctx, 'exec.cluster', `kubectl ${c.args.join(' ')}`.slice(0, 120));
  },
  helm: unlessSub('exec.cluster', /^(list|ls|status|get|show|search|repo|version|template|lint|help)$/),
  aws: (c) => {
    const text = c.args.join(' ');
    if (/\b(delete|rm|remove|terminate|destroy|rb)\b/.test(text))
      report(c.ctx, 'destroy.cloud-delete', `aws ${text}`.slice(0, 100));
    else if (/\bs3 ls\b|\blist-|\bdescribe-/.test(text))
      report(c.ctx, 'disc.cloud', `aws ${text}`.slice(0, 100));
    else report(c.ctx, 'exec.cloud', `aws ${text}`.slice(0, 100));
  },
  gcloud: (c) => {
    const text = c.args.join(' ');
    report(
      c.ctx,
      /\bdelete\b/.test(text) ? 'destroy.cloud-delete' : 'exec.cloud',
      `gcloud ${text}`.slice(0, 100),
    );
  },
  gsutil: always('exec.cloud'),
  az: always('exec.cloud'),
  doctl: always('exec.cloud'),
  pbcopy: always('collect.clipboard'),
  pbpaste: always('collect.clipboard'),
  xclip: always('collect.clipboard'),
  xsel: always('collect.clipboard'),
  'wl-copy': always('collect.clipboard'),
  'wl-paste': always('collect.clipboard'),
  ccencrypt: always('impact.encrypt'),
  gpg: (c) => {
    if (c.args.some((a) => /^(-c|--symmetric|-e|--encrypt)$/.test(a)))
      report(c.ctx, 'impact.encrypt', 'gpg encrypts files');
    if (c.args.some((a) => /--export-secret/.test(a)))
      report(c.ctx, 'read.secret', 'gpg exports secret keys');
  },
  chflags: always('perm.hide'),
  journalctl: (c) => {
    if (c.args.some((a) => /^--(vacuum-\w+|rotate)\b/.test(a)))
      report(c.ctx, 'evade.logs', 'journalctl drops logs');
  },
  xattr: (c) => {
    if (c.args.includes('com.apple.quarantine') && c.args.some((a) => /^-\w*[dc]/.test(a)))
      report(c.ctx, 'evade.disable-security', 'xattr removes the Gatekeeper quarantine');
  },
  chattr: always('perm.hide'),
  setfile: always('perm.hide'),
  SetFile: always('perm.hide'),
  defaults,
  sysctl,
  mount,
  umount: always('write.system'),
  mkfs: always('destroy.mkfs'),
  newfs: always('destroy.mkfs'),
  wipefs: always('destroy.mkfs'),
  fdisk: (c) => {
    if (!c.args.includes('-l')) report(c.ctx, 'destroy.mkfs', `fdisk ${c.args.join(' ')}`);
  },
  parted: always('destroy.mkfs'),
  sgdisk: always('destroy.mkfs'),
};
