import type { Fixture } from '../../analyzer/index.js';
import type { AgentEvent } from '../../schema/index.js';
import { makeEvent } from './events.js';

let seq = 0;

/** A fixture's sessions as stored events: history sessions first (same user/repo unless set), then the session. */
export function fixtureEvents(
  fixture: Fixture,
  o: { session: string; user: string; repo: string; agent?: string; baseMs?: number; cwd?: string },
): AgentEvent[] {
  const base = o.baseMs ?? Date.now() - 3_600_000;
  const out: AgentEvent[] = [];
  const emit = (session: string, events: Fixture['session'], startMs: number) => {
    for (const { t, ...f } of events) {
      seq++;
      out.push(
        makeEvent({
          agent: o.agent ?? 'codex',
          session_id: session,
          user_id: o.user,
          repo: o.repo,
          cwd: o.cwd ?? '/home/dev/src/app',
          call_id: `call_${seq}`,
          time: new Date(startMs + (t ?? 0) * 1000).toISOString(),
          ...f,
        }),
      );
    }
  };
  (fixture.history ?? []).forEach((events, i) => {
    emit(`${o.session}-h${i}`, events, base - (i + 1) * 600_000);
  });
  emit(o.session, fixture.session, base);
  return out;
}
