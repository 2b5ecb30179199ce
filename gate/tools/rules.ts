import type { Category } from '../taxonomy/rules.js';

/** One thing a non-shell tool call can do that the gate cares about. Data only. */
export interface ToolRule {
  category: Category;
  /** MITRE ATT&CK technique, '' when none applies. */
  attack: string;
  /** Base risk 0..1 (balanced mode: 0.4 asks, 0.9 denies). */
  risk: number;
  /** The behaviour, said so an analyst understands it without the code. */
  reason: string;
}

const r = (category: Category, attack: string, risk: number, reason: string): ToolRule => ({
  category,
  attack,
  risk,
  reason,
});

/** Findings of the tool-call analysis (gate/tools), by id. */
export const TOOL_RULES = {
  'tool.write-guard-config': r(
    'defense-evasion',
    'T1562.001',
    0.95,
    "writes Ward's or a coding agent's own configuration (it could remove the guard)",
  ),
  'tool.write-git-config': r(
    'persistence',
    'T1546',
    0.95,
    'writes git hooks or git configuration (runs on the next git command)',
  ),
  'tool.write-exec-config': r(
    'persistence',
    'T1546',
    0.5,
    'writes a file whose commands a developer tool runs later without asking (editor tasks, direnv, CI, hook managers)',
  ),
  'tool.write-shell-rc': r('persistence', 'T1546.004', 0.95, 'writes a shell start-up file'),
  'tool.write-ssh': r('persistence', 'T1098.004', 0.95, 'writes SSH keys or SSH configuration'),
  'tool.write-credentials': r('credential-access', 'T1552.001', 0.95, 'writes a credential store'),
  'tool.write-autostart': r(
    'persistence',
    'T1543',
    0.95,
    'writes a scheduled task, service, PAM or sudoers file',
  ),
  'tool.write-script': r(
    'execution',
    'T1059.004',
    0.85,
    'writes a script, build file or package script with commands that would be asked about if typed (split across calls to dodge the gate)',
  ),
  'tool.write-system': r('filesystem', '', 0.7, 'writes a system location outside the workspace'),
  'tool.write-outside': r('filesystem', '', 0.5, 'writes outside the workspace'),
  'tool.write-unresolved': r('filesystem', '', 0.5, 'writes a path the gate cannot resolve'),
  'tool.read-private-key': r('credential-access', 'T1552.004', 0.6, 'reads a private key'),
  'tool.read-secret': r('credential-access', 'T1552.001', 0.6, 'reads a credential or secret file'),
  'tool.read-agent-credentials': r(
    'credential-access',
    'T1528',
    0.6,
    "reads a coding agent's or Ward's access token",
  ),
  'tool.read-env-file': r(
    'credential-access',
    'T1552.001',
    0.5,
    'reads a project secrets file (.env, credentials, keys)',
  ),
  'tool.read-sensitive': r('discovery', 'T1005', 0.45, 'reads a sensitive system location'),
  'tool.glob-secret': r('credential-access', 'T1552.001', 0.5, 'a file pattern that reaches secret files'),
  'tool.search-secrets': r(
    'credential-access',
    'T1552.001',
    0.45,
    'searches file contents in a tree that holds secrets',
  ),
  'tool.mcp-exec': r('execution', 'T1059', 0.5, 'a tool whose name says it runs commands or code'),
  'tool.mcp-destroy': r(
    'destructive',
    'T1485',
    0.5,
    'a tool whose name or query says it deletes, drops or overwrites data',
  ),
  'tool.mcp-send': r(
    'exfiltration',
    'T1567',
    0.45,
    'a tool whose name says it sends, publishes or deploys something outside',
  ),
  'tool.fetch-metadata': r(
    'credential-access',
    'T1552.005',
    0.95,
    'fetches a cloud instance metadata address',
  ),
  'tool.fetch-internal': r('network', 'T1090', 0.95, 'fetches a loopback, link-local or private address'),
  'tool.fetch-denied-host': r('network', 'T1071', 0.95, 'fetches a host on the deny list'),
  'tool.fetch-scheme': r('network', 'T1071', 0.5, 'fetches with a scheme other than http(s)'),
  'tool.fetch-unparsed': r('network', 'T1071', 0.5, 'fetches an address the gate cannot parse'),
  'tool.fetch-carries-data': r(
    'exfiltration',
    'T1048',
    0.5,
    'fetches a URL, or searches for a text, that carries a block of data (what it sends the host sees)',
  ),
} as const satisfies Record<string, ToolRule>;

export type ToolRuleId = keyof typeof TOOL_RULES;

/** One finding of the tool analysis: a rule and the argument that showed it. */
export interface ToolFinding {
  rule: ToolRuleId;
  detail: string;
}
