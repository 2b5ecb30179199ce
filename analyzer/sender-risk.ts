import { isTokenSender, senderOf } from '../schema/index.js';
import type { IngestedEvent, Store } from '../store/index.js';
import type { SessionState } from './session-state.js';

/*
 * Risk per token of a contested session. Session ids are the clients' to choose: an agent holding its own runner's
 * token can send into another runner's session under an id it predicts (a CI job's), before or after that runner.
 * A runner reads the risk of its own events only (GET /api/risk), so a second engine scores each token's events of
 * a contested session as a session of its own, keyed (session, token), the tokenless ones (loopback ingest, the
 * server's own) counted as every token's: the victim's gate never sees less than its own events justify, and the
 * agent never reads what the victim's events add. That engine writes no alerts, sightings or whole-session risk:
 * analysts keep reading the whole session as the main engine scored it.
 */

/** The tokens that sent a session's events (not loopback, not the server's own). */
export function tokenSenders(state: SessionState): string[] {
  return [...state.senders].filter(isTokenSender);
}

/** The key of one token's part of a session, in the sender engine (its own states: no clash with session ids). */
const partId = (session: string, sender: string) => JSON.stringify([session, sender]);

function partOf(id: string): { session: string; sender: string } {
  const [session, sender] = JSON.parse(id) as [string, string];
  return { session, sender };
}

/**
 * The batch's events of contested sessions (more than one token sent events into them, as far as the engine's
 * states `held` know), each as an event of its sender's part; a tokenless event goes to every token's part.
 */
export function partsBatch(
  batch: readonly IngestedEvent[],
  held: (session: string) => SessionState | undefined,
): IngestedEvent[] {
  const contested = new Map<string, string[] | null>();
  const out: IngestedEvent[] = [];
  for (const ie of batch) {
    const id = ie.event.session_id;
    if (!id) continue;
    let tokens = contested.get(id);
    if (tokens === undefined) {
      const state = held(id);
      const all = state ? tokenSenders(state) : [];
      tokens = all.length > 1 ? all : null;
      contested.set(id, tokens);
    }
    if (!tokens) continue;
    const sender = senderOf(ie.event);
    for (const t of isTokenSender(sender) ? [sender] : tokens)
      out.push({ ...ie, event: { ...ie.event, session_id: partId(id, t) } });
  }
  return out;
}

type Parts = Pick<Store, 'analyzer' | 'alerts'>;

/**
 * The store as the sender engine sees it: a part's history is its token's events and the tokenless ones; its
 * risk goes to session_sender_risk; alerts, sightings and whole-session risk are not its to write or restore.
 */
export function partsStore(store: Parts): Parts {
  const analyzer: Parts['analyzer'] = {
    ...store.analyzer,
    async sessionHistory(ids, upTo, cap) {
      const parts = ids.map(partOf);
      const history = await store.analyzer.senderHistory(
        [...new Set(parts.map((p) => p.session))],
        [...new Set(parts.map((p) => p.sender))],
        upTo,
        cap,
      );
      const firstReceived = new Map<string, string>();
      for (const p of parts) {
        const first = history.firstReceived.get(p.session);
        if (first !== undefined) firstReceived.set(partId(p.session, p.sender), first);
      }
      const events = history.events.flatMap((ie) => {
        const sender = senderOf(ie.event);
        return parts
          .filter((p) => p.session === ie.event.session_id && (p.sender === sender || !isTokenSender(sender)))
          .map((p) => ({ ...ie, event: { ...ie.event, session_id: partId(p.session, p.sender) } }));
      });
      return { events, firstReceived };
    },
    async putRisk(rows) {
      await store.analyzer.putSenderRisk(
        rows.map((r) => {
          const { session, sender } = partOf(r.session_id);
          return { session_id: session, sender, risk: r.risk };
        }),
      );
    },
    putSenderRisk: async () => {},
    addSightings: async () => {},
  };
  const alerts: Parts['alerts'] = {
    ...store.alerts,
    bySessions: async () => [],
    putDetections: async () => [],
  };
  return { analyzer, alerts };
}
