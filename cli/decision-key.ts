import { readFileSync } from 'node:fs';
import type { WardEnv } from './env.js';

/**
 * The server's pinned decision key for runners: WARD_DECISION_KEY names the PEM file the server wrote
 * (<data>/decision-key.pub.pem). Unset: decisions are taken on TLS alone. Set but unreadable: throws, and the
 * caller refuses to run rather than run unchecked.
 */
export function pinnedDecisionKey(env: WardEnv): { decisionKey?: string } {
  const file = env.processEnv.WARD_DECISION_KEY;
  if (!file) return {};
  try {
    return { decisionKey: readFileSync(file, 'utf8') };
  } catch (err) {
    throw new Error(`cannot read WARD_DECISION_KEY ${file}: ${(err as Error).message}`);
  }
}
