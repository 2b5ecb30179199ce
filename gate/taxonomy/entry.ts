/** What a finding is: its category, ATT&CK technique, base risk and reason (rules.ts, gate-rules.ts). */

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

export const t = (category: Category, attack: string, risk: number, reason: string): TaxonomyEntry => ({
  category,
  attack,
  risk,
  reason,
});
