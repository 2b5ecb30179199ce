import { posix } from 'node:path';
import type { RiskReason } from '../schema/index.js';
import type { Facts } from './analysis/index.js';

/** Findings whose harm Ward's sandbox prevents: writes and deletes outside the workspace hit a read-only tree. */
const CONTAINED_RULE =
  /^(write\.(outside|home|unknown|system)|destroy\.delete-(outside|home|system|unknown)|tool\.write-(outside|system|unresolved))$/;

/**
 * Whether an `ask` may become `allow` because the command runs inside Ward's sandbox: every finding that
 * reaches the ask threshold is one the sandbox contains (a write outside the workspace fails there), no
 * policy rule asked, and no written path is one the sandbox makes writable. Returns what is contained, or
 * null. Hooks never pass `contained`: an agent's own tools may run with no sandbox around them.
 */
export function containedBySandbox(
  reasons: readonly RiskReason[],
  riskOf: (ruleId: string) => number,
  facts: Facts | null,
  o: { askThreshold: number; workspace: string; writable: readonly string[]; home: string },
): string | null {
  const asking = reasons.filter((r) => riskOf(r.rule_id) >= o.askThreshold);
  if (asking.length === 0 || !asking.every((r) => CONTAINED_RULE.test(r.rule_id))) return null;
  if (reasons.some((r) => r.rule_id.startsWith('policy.'))) return null;
  const expand = (p: string) =>
    p.startsWith('~/') || p === '~' ? posix.join(o.home || '/nonexistent', p.slice(1)) : p;
  const writable = o.writable.map((w) => posix.normalize(expand(w)).replace(/\/+$/, ''));
  const writes = (facts?.paths ?? []).filter((p) => p.access === 'write').map((p) => expand(p.path));
  if (writes.some((p) => writable.some((w) => p === w || p.startsWith(`${w}/`)))) return null;
  return asking.map((r) => r.rule_id).join(', ');
}
