import type { Decision } from '../../schema/index.js';

const ALLOW = new Set([
  'approved',
  'approved_for_session',
  'approved_execpolicy_amendment',
  'accept',
  'accepted',
  'allow',
  'allowed',
  'auto_approved',
  'proceed_once',
  'proceed_always',
  'yes',
]);
const DENY = new Set([
  'denied',
  'deny',
  'reject',
  'rejected',
  'abort',
  'aborted',
  'cancel',
  'cancelled',
  'canceled',
  'block',
  'blocked',
  'timeout',
  'timed_out',
  'policy_violation',
  'no',
]);
const ASK = new Set(['ask', 'pending', 'prompt', 'requested', 'asked']);

/** An agent's decision word → allow / deny / ask; unknown or absent → ''. */
export function normalizeDecision(raw: string): Decision {
  const s = raw.trim().toLowerCase();
  if (ALLOW.has(s)) return 'allow';
  if (DENY.has(s)) return 'deny';
  if (ASK.has(s)) return 'ask';
  return '';
}
