import { LOOPBACK_SENDER } from '../schema/index.js';
import type { Sighting, SightingPlace, SightingRow, Store } from '../store/index.js';
import type { SessionState } from './session-state.js';

/** Where other tokens saw a value: [sender, agent, user, repo]. */
export type SightingSample = [string, string, string, string];

/**
 * What novelty may count of a value for one session: the tokens other than its own that saw it, and where they
 * and the session's own tokens' earlier sessions (received well before it began) saw it.
 */
export interface SightingView {
  others: number;
  sample: SightingSample[];
}

interface Known {
  senders: number;
  places: Map<string, SightingPlace[]>;
}

const MAX_CACHE = 100_000;
const MAX_SENDERS = 50;
const MAX_PLACES = 20;
/**
 * How long before a session's first event arrived its own tokens' sightings must have arrived to count for it. An
 * agent can only send while it runs, and it runs a little before its session's first event arrives (exporters
 * batch); what arrived from its token since could be its own making, whatever time it claims.
 */
export const OWN_HISTORY_MARGIN_MS = 5 * 60_000;
const NONE: SightingView = Object.freeze({ others: 0, sample: [] }) as unknown as SightingView;

/**
 * Novelty's sightings as the engine holds them: per value, the distinct tokens that sent it and a sample of where
 * each saw it (preloaded from the store per batch, grown by what the batch sees). A session's own tokens count for
 * it only through other sessions the store received well before it began (a developer's earlier work): an agent
 * holds its runner's token and can send sessions of its own making, claiming any repo and any time, but only now.
 */
export function createSightings(store: Pick<Store['analyzer'], 'sightings'>) {
  const known = new Map<string, Known>();

  return {
    /** Reads the values not held yet (one query per 1000). */
    async preload(keys: Set<string>): Promise<void> {
      const missing = [...keys].filter((k) => !known.has(k));
      for (let i = 0; i < missing.length; i += 1000) {
        const chunk = missing.slice(i, i + 1000);
        const found = new Map<string, Sighting>((await store.sightings(chunk)).map((s) => [s.key, s]));
        for (const k of chunk) {
          const s = found.get(k);
          known.set(k, { senders: s?.senders ?? 0, places: new Map(s?.sample ?? []) });
        }
      }
      while (known.size > MAX_CACHE) known.delete(known.keys().next().value as string);
    },

    /**
     * The value as `session` may count it: other tokens' sightings, and its own tokens' from other sessions received
     * OWN_HISTORY_MARGIN_MS before its first event was (those are in the sample, not among `others`: the fleet's
     * count). Tokenless loopback ingest (LOOPBACK_SENDER) counts as the session's own: the agent can send that way
     * beside its runner's token.
     */
    view(key: string, session: SessionState): SightingView {
      const k = known.get(key);
      if (!k) return NONE;
      const own = new Set([...session.senders, LOOPBACK_SENDER]);
      // Not known yet (no event of it read): none of its own tokens' sightings count.
      const first = session.firstReceivedMs;
      const before = Number.isFinite(first) ? first - OWN_HISTORY_MARGIN_MS : Number.NEGATIVE_INFINITY;
      let others = k.senders;
      const sample: SightingSample[] = [];
      for (const [sender, places] of k.places) {
        const mine = own.has(sender);
        if (mine) others--;
        for (const [agent, user, repo, at, from] of places)
          if (!mine || (at < before && from !== session.id)) sample.push([sender, agent, user, repo]);
      }
      // Past the sample, the session's own tokens may be among the senders not listed: counted as if they were.
      if (k.senders > k.places.size) for (const s of session.senders) if (!k.places.has(s)) others--;
      return { others: Math.max(0, others), sample };
    },

    /** Notes that `row.sender` sent the value for a session (the row is the store's to keep). */
    add(row: SightingRow): void {
      let k = known.get(row.key);
      if (!k) {
        k = { senders: 0, places: new Map() };
        known.set(row.key, k);
      }
      let places = k.places.get(row.sender);
      if (!places) {
        if (k.places.size >= MAX_SENDERS) return;
        places = [];
        k.places.set(row.sender, places);
        k.senders++;
      }
      const at = Date.parse(row.received);
      const seen = places.find((p) => p[0] === row.agent && p[1] === row.user_id && p[2] === row.repo);
      // Each place keeps its earliest arrival, and the session that made it.
      if (seen && at < seen[3]) {
        seen[3] = at;
        seen[4] = row.session_id;
      } else if (!seen && places.length < MAX_PLACES)
        places.push([row.agent, row.user_id, row.repo, at, row.session_id]);
    },
  };
}
export type Sightings = ReturnType<typeof createSightings>;
