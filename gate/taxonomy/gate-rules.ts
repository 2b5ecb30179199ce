import { t as entry, type TaxonomyEntry } from './entry.js';

/**
 * Part of TAXONOMY (rules.ts): the gate's own findings (policy, session risk, a send after a secret read), an
 * agent turning Ward's tools on Ward, and a commit of what git is told to keep out.
 */
export const GATE_RULES = {
  'policy.rule': entry('execution', '', 0, 'matched a policy rule'),
  'policy.escalated': entry('execution', '', 0.4, 'session anomaly score above threshold'),
  'policy.read-then-send': entry(
    'exfiltration',
    'T1041',
    0.4,
    'sends data out after the session read a secret',
  ),
  'policy.tool': entry('execution', '', 0, 'matched a tool rule'),
  'evade.ward-admin': entry(
    'defense-evasion',
    'T1562.001',
    0.95,
    'runs Ward’s own admin commands (approvals, alerts, tokens, hooks) with the credentials Ward keeps on disk',
  ),
  'collect.force-add': entry(
    'collection',
    'T1074.001',
    0.5,
    'copies files that .gitignore keeps out of commits (such as .env) into git (git add --force, git stash --all)',
  ),
} as const satisfies Record<string, TaxonomyEntry>;
