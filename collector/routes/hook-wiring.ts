import type { Redactor } from '../../schema/fast.js';
import type { Store } from '../../store/index.js';
import { createHookRecorder } from './hook-events.js';
import { createRiskBehind } from './hook-risk.js';
import { hookRoutes } from './hooks.js';
import { createRiskView } from './risk-view.js';
import { createSharedReads } from './shared-reads.js';

type HookDeps = Parameters<typeof hookRoutes>[0];

/**
 * The server's hook endpoint with what it draws on from the store: the analyzer's session risk (and what the
 * caller may read of it), whether the analyzer is behind the session, and the recorder of each decided tool call
 * (flushed when the server stops).
 */
export function serverHooks(
  o: Pick<HookDeps, 'decide' | 'service' | 'authorize' | 'holdLimit'> & {
    store: Pick<Store, 'analyzer' | 'events' | 'sessionReads'>;
    riskBehindMs: number;
    /** Other instances share the store: look sessions' secret reads up there on a miss. */
    sharedReads: boolean;
    redact: Redactor;
    log: (msg: string) => void;
  },
) {
  const recorder = createHookRecorder({ store: o.store, redact: o.redact, log: o.log });
  const sharedReads = createSharedReads(o.store.sessionReads, o.sharedReads, {
    redact: (s) => o.redact.text(s),
  });
  const routes = hookRoutes({
    decide: o.decide,
    service: o.service,
    authorize: o.authorize,
    ...(o.holdLimit ? { holdLimit: o.holdLimit } : {}),
    riskOf: createRiskView(o.store),
    riskBehind: createRiskBehind({ store: o.store, behindMs: o.riskBehindMs }),
    recorder,
    sharedReads,
  });
  return {
    routes,
    flush: async () => {
      await sharedReads.flush();
      await recorder.flush();
    },
    stats: () => recorder.stats(),
  };
}
