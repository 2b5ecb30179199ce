import type { Handler } from '../call.js';
import { report } from '../context.js';
import { always } from './system.js';

const securityWords =
  /little\s?snitch|CbOsxSensorService|falcon|crowdstrike|carbonblack|cbdefense|cbagent|sentinel|nessus|santa|osquery|td-agent|packetbeat|filebeat|auditbeat|BlockBlock|LuLu|wazuh|ossec|sophos|mdatp|defender|clamd|elastic-agent|sysmon|tripwire|aide\b|xagt|cylance|tanium/i;
const VIRT_WORDS =
  /vbox|virtualbox|vmware|vmw_|xen|hyper-?v|hv_(vmbus|blkvsc|netvsc|utils|storvsc)|virtio|qemu|kvm|parallels|\bvmm\b|bochs/i;
const PROBE_SOURCES =
  /^(lsmod|kldstat|kextstat|dmesg|dmidecode|lspci|lsusb|sysctl|system_profiler|ioreg|cat|systemd-detect-virt)$/;

/** grep-like searches for security products or hypervisors. Called for every grep/pgrep/egrep. */
export function patternIntel(c: Parameters<Handler>[0]): void {
  const text = c.args.join(' ');
  if (securityWords.test(text)) report(c.ctx, 'disc.security-software', `${c.name} for security products`);
  const src = c.cmd.pipeFrom?.argv[0] ?? '';
  if (
    VIRT_WORDS.test(text) &&
    (PROBE_SOURCES.test(src) || /\/proc\/(modules|cpuinfo|scsi)|\/sys\/class\/dmi/.test(text))
  )
    report(c.ctx, 'evade.vm-check', `${src || c.name} | ${c.name} for hypervisor traces`);
}

/** Programs that only report on the system; output staged outside the workspace is collection. */
export const DISCOVERY = new Set([
  'ps',
  'uname',
  'id',
  'whoami',
  'hostname',
  'w',
  'who',
  'last',
  'lastlog',
  'ifconfig',
  'ip',
  'netstat',
  'ss',
  'env',
  'printenv',
  'df',
  'mount',
  'lsmod',
  'groups',
  'users',
  'uptime',
  'lscpu',
  'lsblk',
  'arp',
  'route',
  'getent',
  'finger',
  'lsof',
  'pstree',
  'top',
  'free',
  'sw_vers',
  'system_profiler',
  'kldstat',
  'dmesg',
]);

/** Discovery tools whose findings go beyond basic system information. */
export const DISCOVERY_PROGRAMS: Record<string, Handler> = {
  lsmod: always('disc.system-deep'),
  kldstat: always('disc.system-deep'),
  kextstat: always('disc.system-deep'),
  kextfind: always('disc.system-deep'),
  modinfo: always('disc.system-deep'),
  system_profiler: always('disc.system-deep'),
  csrutil: always('disc.system-deep'),
  spctl: always('disc.system-deep'),
  dmidecode: always('disc.system-deep'),
  'systemd-detect-virt': always('evade.vm-check'),
  'virt-what': always('evade.vm-check'),
  arp: always('disc.network-peers'),
  ip: (c) => {
    if (/^(n|ne|nei|neigh|neighbor|neighbour)$/.test(c.args.find((a) => !a.startsWith('-')) ?? ''))
      report(c.ctx, 'disc.network-peers', 'ip neighbour');
    else if (/^(add|del|delete|set|flush|change|replace)$/.test(c.args[1] ?? ''))
      report(c.ctx, 'write.system', `ip ${c.args.join(' ')}`);
  },
  netstat: always('disc.connections'),
  ss: always('disc.connections'),
  lsof: (c) => {
    if (c.args.some((a) => a.startsWith('-i'))) report(c.ctx, 'disc.connections', 'lsof -i');
  },
  smbstatus: always('disc.shares'),
  smbclient: always('disc.shares'),
  showmount: always('disc.shares'),
  grep: patternIntel,
  egrep: patternIntel,
  pgrep: patternIntel,
  rgrep: patternIntel,
  fgrep: patternIntel,
};
