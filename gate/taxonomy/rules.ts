/**
 * The risk taxonomy: every finding the analysis can raise, with its category, MITRE ATT&CK technique,
 * base risk (0..1) and a human-readable reason. Data only; the analysis refers to entries by id.
 */
import { GATE_RULES } from './gate-rules.js';

export const CATEGORIES = [
  'destructive',
  'credential-access',
  'exfiltration',
  'download-execute',
  'persistence',
  'privilege-escalation',
  'defense-evasion',
  'reverse-shell',
  'supply-chain',
  'discovery',
  'execution',
  'network',
  'collection',
  'impact',
  'filesystem',
  'parse',
] as const;
export type Category = (typeof CATEGORIES)[number];

export interface TaxonomyEntry {
  category: Category;
  /** MITRE ATT&CK technique id, '' when none applies. */
  attack: string;
  /** Base risk 0..1: below 0.4 is allowed in balanced mode, 0.4+ asks, 0.9+ is denied. */
  risk: number;
  reason: string;
}

const t = (category: Category, attack: string, risk: number, reason: string): TaxonomyEntry => ({
  category,
  attack,
  risk,
  reason,
});

export const TAXONOMY = {
  ...GATE_RULES,
  // destructive
  'destroy.rm-root': t(
    'destructive',
    'T1485',
    0.95,
    'recursive delete of the filesystem root or a top-level system directory',
  ),
  'destroy.delete-system': t(
    'destructive',
    'T1485',
    0.6,
    'deletes files in a system location outside the workspace',
  ),
  'destroy.delete-home': t(
    'destructive',
    'T1485',
    0.45,
    'deletes files in the home directory outside the workspace',
  ),
  'destroy.delete-unknown': t(
    'destructive',
    'T1485',
    0.35,
    'deletes files at a location only known at run time',
  ),
  'destroy.disk-write': t('destructive', 'T1561.002', 0.95, 'writes raw data to a block device'),
  'destroy.raw-copy': t(
    'destructive',
    'T1485',
    0.45,
    'raw block copy (dd) can overwrite whole files or devices',
  ),
  'destroy.mkfs': t('destructive', 'T1561.002', 0.95, 'formats a filesystem'),
  'destroy.shred': t('destructive', 'T1070.004', 0.5, 'securely erases files so they cannot be recovered'),
  'destroy.git-force-push': t('destructive', 'T1485', 0.6, 'force-push rewrites shared git history'),
  'destroy.git-reset-hard': t(
    'destructive',
    'T1485',
    0.45,
    'discards uncommitted work (git reset --hard / clean -fdx)',
  ),
  'destroy.git-history': t('destructive', 'T1485', 0.6, 'deletes or rewrites a shared branch'),
  'destroy.git-metadata': t('destructive', 'T1485', 0.6, 'moves or deletes the repository’s .git directory'),
  'destroy.cloud-delete': t('destructive', 'T1485', 0.7, 'deletes cloud resources'),
  // writes
  'write.system': t(
    'filesystem',
    'T1565.001',
    0.55,
    'modifies files in a system location outside the workspace',
  ),
  'write.outside': t('filesystem', 'T1565.001', 0.45, 'writes outside the workspace'),
  'destroy.delete-outside': t('destructive', 'T1485', 0.45, 'deletes files outside the workspace'),
  'write.home': t(
    'filesystem',
    'T1565.001',
    0.45,
    'writes configuration or programs in the home directory (dotfiles, bin, node_modules)',
  ),
  'write.home-data': t(
    'filesystem',
    '',
    0.25,
    'writes the user’s own files (home documents, data volumes), not configuration or programs',
  ),
  'write.unknown': t('filesystem', '', 0.3, 'writes at a location only known at run time'),
  'write.temp': t('filesystem', '', 0.05, 'writes in a temporary directory'),
  'write.proc': t('impact', 'T1529', 0.8, 'writes to kernel interfaces under /proc or /sys'),
  'perm.setuid': t('privilege-escalation', 'T1548.001', 0.8, 'sets the setuid/setgid bit'),
  'perm.outside': t(
    'defense-evasion',
    'T1222.002',
    0.5,
    'changes ownership or permissions outside the workspace',
  ),
  'perm.root-owner': t('privilege-escalation', 'T1548.001', 0.55, 'gives files to root'),
  'perm.world-writable': t('defense-evasion', 'T1222.002', 0.45, 'makes files world-writable recursively'),
  'evade.padding': t(
    'defense-evasion',
    'T1027.001',
    0.45,
    'pads a file outside the workspace, changing its hash',
  ),
  'evade.firewall': t('defense-evasion', 'T1562.004', 0.75, 'disables or changes the firewall'),
  'evade.obfuscated': t(
    'defense-evasion',
    'T1140',
    0.4,
    'decodes content the reviewer cannot read in the command',
  ),
  'perm.hide': t('defense-evasion', 'T1564.001', 0.45, 'hides files or changes file flags'),
  // reads
  'read.secret': t('credential-access', 'T1552.001', 0.7, 'reads a credential or secret store'),
  'read.ssh-key': t('credential-access', 'T1552.004', 0.75, 'reads or searches for private keys'),
  'read.password-db': t('credential-access', 'T1003.008', 0.75, 'reads the password or shadow database'),
  'read.sensitive': t(
    'collection',
    'T1005',
    0.5,
    'reads security configuration, logs, kernel state or another user’s files',
  ),
  'read.system': t('collection', 'T1005', 0.4, 'reads files or lists directories outside the workspace'),
  'read.outside': t('collection', 'T1005', 0.4, 'reads a file outside the workspace'),
  'read.env-secrets': t(
    'credential-access',
    'T1552.001',
    0.6,
    'prints the environment, where tokens and keys live',
  ),
  'read.project-secret': t('credential-access', 'T1552.001', 0.6, 'reads a project secrets file'),
  'read.agent-credentials': t(
    'credential-access',
    'T1552.001',
    0.75,
    'reads Ward’s or a coding agent’s own credentials or data',
  ),
  'read.history': t('credential-access', 'T1552.003', 0.5, 'reads shell history, which often holds secrets'),
  'cred.written-out': t('credential-access', 'T1552', 0.6, 'carries a credential written out'),
  'read.whole-fs': t('collection', 'T1005', 0.5, 'reads recursively across the whole filesystem'),
  'read.secret-tree': t(
    'credential-access',
    'T1552.001',
    0.5,
    'reads every file of a directory tree that holds credentials',
  ),
  'read.stored-credential': t(
    'credential-access',
    'T1555',
    0.6,
    'prints a stored credential or access token',
  ),
  'search.secrets': t('credential-access', 'T1552.004', 0.6, 'searches the filesystem for credential files'),
  'read.browser': t('credential-access', 'T1555.003', 0.8, 'reads browser password or cookie stores'),
  'read.keychain': t('credential-access', 'T1555.001', 0.75, 'accesses the system keychain'),
  'collect.clipboard': t('collection', 'T1115', 0.45, 'reads or writes the clipboard'),
  'collect.staging': t(
    'collection',
    'T1074.001',
    0.45,
    'stages discovery output in a file outside the workspace',
  ),
  'collect.archive-outside': t(
    'collection',
    'T1560.001',
    0.45,
    'archives or encrypts files from outside the workspace',
  ),
  'collect.sniff': t('credential-access', 'T1040', 0.7, 'captures network traffic'),
  'collect.keylog': t('collection', 'T1056.001', 0.7, 'installs a command or keystroke logger hook'),
  // exfiltration and network
  'net.upload': t('exfiltration', 'T1048', 0.6, 'sends local data to a remote endpoint'),
  'net.dns-exfil': t('exfiltration', 'T1048', 0.7, 'encodes data into DNS queries'),
  'net.web-service': t('exfiltration', 'T1567', 0.7, 'sends data to a paste site or webhook'),
  // Raised by the gate when one command line both reads a secret and sends data out (a combination, not a
  // single program): the credential-theft-then-upload sequence, denied outright in balanced mode.
  'exfil.secret-upload': t(
    'exfiltration',
    'T1048',
    0.95,
    'reads a credential and sends data out in the same command line',
  ),
  'net.fetch-unlisted': t('network', 'T1105', 0.45, 'fetches from a host not on the network allowlist'),
  'net.fetch-unknown': t('network', 'T1105', 0.45, 'network access to a destination only known at run time'),
  'net.url-carries-data': t('exfiltration', 'T1048', 0.5, 'writes a block of data into the URL'),
  'net.remote-shell': t(
    'network',
    'T1021.004',
    0.45,
    'opens a remote session or copies files to or from another host',
  ),
  'net.raw-socket': t('network', 'T1095', 0.5, 'opens raw TCP/UDP connections (netcat, /dev/tcp, sockets)'),
  'net.scan': t('discovery', 'T1046', 0.6, 'scans hosts or ports'),
  'net.tunnel': t('network', 'T1572', 0.7, 'opens a tunnel exposing this machine'),
  'net.proxy': t('network', 'T1090', 0.45, 'routes traffic through an explicit proxy'),
  'net.listen': t('network', 'T1571', 0.6, 'listens for connections from the network'),
  'net.remote-endpoint': t('network', 'T1071', 0.45, 'talks to a remote endpoint'),
  'net.push-unknown-remote': t(
    'exfiltration',
    'T1567.001',
    0.6,
    'pushes code to a remote that is not the project’s own',
  ),
  'net.directory': t('discovery', 'T1087.002', 0.55, 'queries a directory service for accounts'),
  // execution
  'exec.download-pipe': t(
    'download-execute',
    'T1105',
    0.9,
    'downloads content and runs it in an interpreter',
  ),
  'exec.decode-pipe': t('defense-evasion', 'T1140', 0.8, 'decodes obfuscated data and runs it'),
  'exec.dynamic': t('execution', 'T1059.004', 0.5, 'runs a command whose text is only known at run time'),
  'exec.outside-binary': t(
    'execution',
    'T1204.002',
    0.5,
    'runs a program or script from outside the workspace and system directories',
  ),
  'exec.interpreter-code': t(
    'execution',
    'T1059.006',
    0.45,
    'interpreter code runs commands, uses the network or touches files outside the workspace',
  ),
  'exec.unknown-program': t('execution', 'T1204.002', 0.45, 'runs a program the gate has no model of'),
  'exec.shell-arg': t('execution', 'T1059.004', 0.6, 'runs a shell given as an argument'),
  'exec.interpreter-arg': t(
    'execution',
    'T1059',
    0.55,
    'runs an interpreter or command given as an argument',
  ),
  'exec.interactive-shell': t(
    'execution',
    'T1059.004',
    0.5,
    'starts an interactive shell or interpreter that reads commands the gate cannot see',
  ),
  'exec.option-command': t('execution', 'T1059', 0.6, 'runs a command given in an option'),
  'exec.library-load': t('defense-evasion', 'T1574.006', 0.7, 'loads a shared library'),
  'exec.env-command': t(
    'execution',
    'T1574.007',
    0.55,
    'sets an environment variable that names a program to run',
  ),
  'exec.path-poison': t(
    'defense-evasion',
    'T1574.007',
    0.6,
    'puts a directory outside the system in front of PATH',
  ),
  'exec.applescript': t('execution', 'T1059.002', 0.55, 'runs AppleScript'),
  'exec.container': t(
    'privilege-escalation',
    'T1611',
    0.5,
    'uses the container daemon, which is root-equivalent',
  ),
  'exec.cluster': t('execution', 'T1609', 0.55, 'changes workloads on a cluster'),
  'exec.cloud': t('execution', 'T1078.004', 0.5, 'acts on cloud infrastructure with stored credentials'),
  'exec.schedule-once': t('execution', 'T1053.002', 0.55, 'schedules a command for later'),
  'exec.unbounded': t('impact', 'T1496', 0.4, 'runs without end, burning CPU'),
  'exec.unparseable': t('parse', '', 0.5, 'the command could not be parsed, so it cannot be judged'),
  'exec.unanalysable': t('parse', '', 0.8, 'too long or too costly to analyse in full: it cannot be judged'),
  'exec.signal': t('impact', 'T1489', 0.45, 'kills processes'),
  'exec.power': t('impact', 'T1529', 0.8, 'shuts down or reboots the machine'),
  // persistence
  'persist.cron': t('persistence', 'T1053.003', 0.7, 'installs a cron job'),
  'persist.shell-rc': t('persistence', 'T1546.004', 0.7, 'modifies a shell start-up file'),
  'persist.service': t('persistence', 'T1543.002', 0.7, 'creates or changes a system service'),
  'persist.launchd': t('persistence', 'T1543.001', 0.7, 'loads or changes a launchd job'),
  'persist.git-hook': t('persistence', 'T1546', 0.55, 'writes a git hook that runs on later git commands'),
  'persist.exec-config': t(
    'persistence',
    'T1546',
    0.5,
    'writes a file whose commands a developer tool runs later without asking (editor tasks, direnv, CI, hook managers)',
  ),
  'persist.login-hook': t('persistence', 'T1037', 0.7, 'changes boot or logon initialisation'),
  'persist.account': t('persistence', 'T1136.001', 0.7, 'creates or changes a user account'),
  'persist.pam': t('persistence', 'T1556.003', 0.85, 'changes PAM authentication'),
  'persist.python-startup': t(
    'persistence',
    'T1546.018',
    0.65,
    'installs code that runs whenever Python starts',
  ),
  'persist.kernel-module': t('persistence', 'T1547.006', 0.85, 'loads a kernel module'),
  'persist.shell-trap': t('persistence', 'T1546.005', 0.5, 'installs a shell trap that runs code on events'),
  // privilege escalation
  'priv.sudo': t('privilege-escalation', 'T1548.003', 0.6, 'runs a command as root with sudo'),
  'priv.su': t('privilege-escalation', 'T1548', 0.6, 'switches user'),
  'priv.sudoers': t('privilege-escalation', 'T1548.003', 0.85, 'changes sudo configuration'),
  'priv.trust-cert': t('defense-evasion', 'T1553.004', 0.8, 'installs a trusted root certificate'),
  // defence evasion
  'evade.history': t('defense-evasion', 'T1070.003', 0.7, 'clears or disables shell history'),
  'evade.logs': t('defense-evasion', 'T1070.002', 0.75, 'deletes or overwrites system logs'),
  'evade.timestomp': t('defense-evasion', 'T1070.006', 0.55, 'changes the system clock'),
  'evade.disable-logging': t('defense-evasion', 'T1562.006', 0.8, 'stops or reconfigures system logging'),
  'evade.disable-security': t(
    'defense-evasion',
    'T1562.001',
    0.85,
    'disables security tools, the sandbox or agent hooks',
  ),
  'evade.recovery': t('impact', 'T1490', 0.8, 'disables backups or recovery'),
  'evade.hidden-user': t('defense-evasion', 'T1564.002', 0.7, 'hides a user account'),
  'evade.vm-check': t(
    'defense-evasion',
    'T1497.001',
    0.45,
    'checks whether it runs in a virtual machine or sandbox',
  ),
  'evade.masquerade': t(
    'defense-evasion',
    'T1036.005',
    0.55,
    'copies a shell or binary to a hidden or misleading location',
  ),
  // reverse shells
  'revshell.netcat': t('reverse-shell', 'T1059.004', 0.95, 'connects a shell to a network socket'),
  'revshell.interpreter': t(
    'reverse-shell',
    'T1059.006',
    0.95,
    'interpreter code runs commands received from a socket',
  ),
  // supply chain
  'supply.curl-sh': t('supply-chain', 'T1195.002', 0.9, 'pipes a download into a shell'),
  'supply.system-pkg': t('supply-chain', 'T1072', 0.5, 'installs or removes system packages'),
  'supply.untrusted-source': t(
    'supply-chain',
    'T1195.002',
    0.6,
    'installs a package from a URL, git or a custom index',
  ),
  'supply.publish': t(
    'supply-chain',
    'T1195.002',
    0.6,
    'publishes a package to a registry, which cannot be undone',
  ),
  'supply.package-install': t(
    'supply-chain',
    'T1195.002',
    0.45,
    'installs or runs a package from a registry, whose install scripts run here',
  ),
  'supply.cpan': t('supply-chain', 'T1195.002', 0.5, 'runs an interactive package shell'),
  // impact
  'impact.encrypt': t('impact', 'T1486', 0.5, 'encrypts files with a password'),
  // discovery
  'disc.basic': t('discovery', 'T1082', 0.1, 'reads basic system information'),
  'disc.security-software': t('discovery', 'T1518.001', 0.5, 'looks for security software'),
  'disc.system-deep': t(
    'discovery',
    'T1082',
    0.4,
    'inventories kernel modules, hardware or security settings',
  ),
  'disc.network-peers': t('discovery', 'T1018', 0.45, 'lists other hosts on the network'),
  'disc.connections': t('discovery', 'T1049', 0.4, 'lists network connections with their processes'),
  'disc.shares': t('discovery', 'T1135', 0.45, 'lists network shares'),
  'disc.cloud': t('discovery', 'T1619', 0.5, 'lists cloud storage'),
  'disc.privileges': t('discovery', 'T1069', 0.4, 'lists the privileges this user can use'),
} as const satisfies Record<string, TaxonomyEntry>;

export type RuleId = keyof typeof TAXONOMY;
/** One thing the analysis noticed about a command. */
export interface Finding {
  rule: RuleId;
  detail: string;
}
