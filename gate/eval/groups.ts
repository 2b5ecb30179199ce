import type { EvalRow } from './score.js';

/**
 * The group a row belongs to, for a held-out split that measures generalisation rather than memory: rows of
 * one group are near-copies of each other (the same ATT&CK technique, GTFOBins binary, RedCode scenario or
 * utility), so a rule tuned on one of them must not be scored on its siblings.
 * - Atomic Red Team: the parent ATT&CK technique (T1003.008 -> T1003);
 * - GTFOBins: the binary;
 * - RedCode-Exec: the scenario, shared by its bash and python variants;
 * - NL2Bash and tldr: the utility (first word), shared by both sources.
 */
export function groupOf(row: EvalRow): string {
  const parts = row.id.split(':');
  switch (row.source) {
    case 'atomic-red-team':
      return `attack:${(row.mitre?.[0] ?? parts[1] ?? '').split('.')[0]}`;
    case 'gtfobins':
      return `binary:${parts[1] ?? ''}`;
    case 'redcode-exec-bash':
    case 'redcode-exec-python':
      return `scenario:${row.category}`;
    default:
      return `utility:${row.category}`;
  }
}

/** FNV-1a of a string. */
function fnv(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/** Fixed split by group: half of the groups tune the rules, the other half is never looked at. */
export function groupBucket(row: EvalRow): 'tune' | 'holdout' {
  return fnv(`ward-group-split/1:${groupOf(row)}`) % 2 === 0 ? 'tune' : 'holdout';
}
