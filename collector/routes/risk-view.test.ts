import { describe, expect, it } from 'vitest';
import { SENDER_ATTRS } from '../../schema/index.js';
import type { Store } from '../../store/index.js';
import { makeEvent } from '../../test/helpers/events.js';
import { testStore } from '../../test/helpers/store.js';
import { createRiskView } from './risk-view.js';

const RUNNER = (id: string) => ({ id, role: 'runner' as const });

/** The store with its reads beyond the whole session's risk counted: of its parts, and of who sent into it. */
function counted(store: Store) {
  const reads = { parts: 0, senders: 0 };
  const analyzer = {
    ...store.analyzer,
    senderRisks: (session: string) => {
      reads.parts++;
      return store.analyzer.senderRisks(session);
    },
  };
  const events = {
    ...store.events,
    tokenSenders: (session: string) => {
      reads.senders++;
      return store.events.tokenSenders(session);
    },
  };
  return { view: createRiskView({ analyzer, events }), reads };
}

async function written(store: Store, session: string, whole: number | null, parts: Record<string, number>) {
  if (whole !== null)
    await store.analyzer.putRisk([
      { session_id: session, agent: 'codex', user_id: '', repo: '', risk: whole, factors: [] },
    ]);
  await store.analyzer.putSenderRisk(
    Object.entries(parts).map(([sender, risk]) => ({ session_id: session, sender, risk })),
  );
}

async function sent(store: Store, session: string, ...tokens: string[]) {
  await store.events.insert(
    tokens.map((t, i) =>
      makeEvent({
        session_id: session,
        call_id: `c${i}`,
        time: new Date().toISOString(),
        attributes: { [SENDER_ATTRS.id]: t },
      }),
    ),
  );
}

describe('a session risk as a caller may read it', () => {
  it('reads nothing more of a session without risk, and only its parts of a risky one', async () => {
    const store = await testStore('ward_risk_view');
    const s = `rv-${Date.now()}`;
    const { view, reads } = counted(store);
    await written(store, `${s}-calm`, 0, { victim: 0, agent: 0.2 });
    expect(await view(`${s}-none`, RUNNER('agent'))).toEqual({ whole: null, shown: 0 });
    expect(await view(`${s}-calm`, RUNNER('agent'))).toEqual({ whole: 0, shown: 0 });
    expect(reads).toEqual({ parts: 0, senders: 0 });
    await written(store, `${s}-alone`, 0.9, { victim: 0.9 });
    await written(store, `${s}-contested`, 0.95, { victim: 0.9, agent: 0.1 });
    expect(await view(`${s}-alone`, RUNNER('victim'))).toEqual({ whole: 0.9, shown: 0.9 });
    expect(await view(`${s}-alone`, RUNNER('agent'))).toEqual({ whole: 0.9, shown: 0 });
    expect(await view(`${s}-contested`, RUNNER('agent'))).toEqual({ whole: 0.95, shown: 0.1 });
    expect(await view(`${s}-contested`, RUNNER('victim'))).toEqual({ whole: 0.95, shown: 0.9 });
    expect(await view(`${s}-contested`, RUNNER('stranger'))).toEqual({ whole: 0.95, shown: 0 });
    expect(reads).toEqual({ parts: 5, senders: 0 });
    // Analysts and admins read the whole session.
    expect(await view(`${s}-contested`, { id: 'ana', role: 'analyst' })).toEqual({
      whole: 0.95,
      shown: 0.95,
    });
    expect(reads).toEqual({ parts: 5, senders: 0 });
  });

  it('asks who sent into the session when the parts written do not settle it', async () => {
    const store = await testStore('ward_risk_view');
    const s = `rv-unsettled-${Date.now()}`;
    const { view, reads } = counted(store);
    // The agent's events were scored into the whole before their parts were written: the victim's part is behind.
    await sent(store, `${s}-moved`, 'victim', 'agent');
    await written(store, `${s}-moved`, 0.95, { victim: 0.2 });
    expect(await view(`${s}-moved`, RUNNER('victim'))).toEqual({ whole: 0.95, shown: 0.2 });
    // A whole with no parts (scored before parts were written): the only token reads it, another reads 0.
    await sent(store, `${s}-old`, 'victim');
    await written(store, `${s}-old`, 0.8, {});
    expect(await view(`${s}-old`, RUNNER('victim'))).toEqual({ whole: 0.8, shown: 0.8 });
    expect(await view(`${s}-old`, RUNNER('agent'))).toEqual({ whole: 0.8, shown: 0 });
    // ... and of a contested one, each token its own part, none yet.
    await sent(store, `${s}-old-contested`, 'victim', 'agent');
    await written(store, `${s}-old-contested`, 0.8, {});
    expect(await view(`${s}-old-contested`, RUNNER('agent'))).toEqual({ whole: 0.8, shown: 0 });
    expect(reads.senders).toBe(4);
    // A risk that is not a number is the caller's own only when its part is it.
    await written(store, `${s}-nan`, Number.NaN, { victim: Number.NaN });
    expect(await view(`${s}-nan`, RUNNER('victim'))).toEqual({ whole: Number.NaN, shown: Number.NaN });
  });
});
