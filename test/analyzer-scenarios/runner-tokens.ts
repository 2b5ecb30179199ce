import { randomUUID } from 'node:crypto';
import type { Store } from '../../store/index.js';

/**
 * One runner token per person, minted on first use: sessions sent as a team's runners send them. Novelty counts
 * only other tokens' sightings, so a fleet sent with one token (or none, over open loopback) leaves it silent.
 */
export function createRunnerTokens(store: Pick<Store, 'tokens'>): (person: string) => Promise<string> {
  const tokens = new Map<string, Promise<string>>();
  return (person) => {
    let t = tokens.get(person);
    if (!t) {
      const token = `scenario-runner-${randomUUID()}`;
      t = store.tokens.add(token, `runner of ${person}`, 'runner').then(() => token);
      tokens.set(person, t);
    }
    return t;
  };
}
