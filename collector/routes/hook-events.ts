import { createHash, randomUUID } from 'node:crypto';
import type { Redactor } from '../../schema/fast.js';
import { type AgentEvent, type Decision, emptyAgentEvent } from '../../schema/index.js';
import type { Store } from '../../store/index.js';
import { boundedCwd, boundedId, safeText } from '../normalize/index.js';

/** A tool call a hook decided, as the hook endpoint tells it. */
export interface HookCallSeen {
  session: string;
  tool: string;
  /** The shell command ('' for other tools). */
  command: string;
  /** The path or URL another tool works on ('' when none). */
  target: string;
  cwd: string;
  callId: string;
  decision: 'allow' | 'ask' | 'deny' | 'defer';
  reason: string;
}

export interface HookRecorderOptions {
  store: Pick<Store, 'events'>;
  redact: Redactor;
  /** How often what was recorded is stored (ms). */
  flushMs?: number;
  /** Decisions waiting to be stored at most; one sender may hold three quarters of them. */
  maxQueued?: number;
  log?: (msg: string) => void;
}

/**
 * Every tool call a hook decided, stored as an agent event (`ward.hook.decision`, kind `tool_decision`): the
 * analyzer sees each call the agent made through its hooks even when the agent's own telemetry is refused
 * (a flood), off, or without the command text. Stored in batches beside the API, not on the approval lane; the
 * hook's answer does not wait for it. Bounded: beyond `maxQueued` waiting, or a sender's share of them, a
 * decision is counted as dropped and logged.
 */
export function createHookRecorder(o: HookRecorderOptions) {
  const flushMs = o.flushMs ?? 250;
  const maxQueued = o.maxQueued ?? 5_000;
  const perSender = Math.floor(maxQueued * 0.75);
  let queue: { sender: string; event: AgentEvent }[] = [];
  const held = new Map<string, number>();
  let timer: NodeJS.Timeout | undefined;
  let flushing: Promise<void> = Promise.resolve();
  let dropped = 0;
  let stored = 0;

  async function flush(): Promise<void> {
    timer = undefined;
    const batch = queue;
    queue = [];
    if (batch.length === 0) return;
    try {
      await o.store.events.insert(
        batch.map((b) => b.event),
        'hooks',
      );
      stored += batch.length;
    } catch (err) {
      dropped += batch.length;
      o.log?.(
        `hook decisions not stored (${batch.length}): ${err instanceof Error ? err.message : String(err)}`,
      );
    } finally {
      for (const b of batch) {
        const n = (held.get(b.sender) ?? 1) - 1;
        if (n <= 0) held.delete(b.sender);
        else held.set(b.sender, n);
      }
    }
  }

  return {
    /** Records one decided tool call of `sender` (a token id) made by `agent`. */
    record(sender: string, agent: string, seen: HookCallSeen): void {
      const mine = held.get(sender) ?? 0;
      if (queue.length >= maxQueued || mine >= perSender) {
        dropped++;
        if (dropped % 1000 === 1) o.log?.(`hook decisions dropped: ${dropped} (the queue is full)`);
        return;
      }
      const time = new Date().toISOString();
      const decision: Decision = seen.decision === 'defer' ? 'allow' : seen.decision;
      const event: AgentEvent = {
        ...emptyAgentEvent(),
        event_id: createHash('sha256')
          .update(`hook\0${agent}\0${seen.session}\0${seen.callId}\0${time}\0${randomUUID()}`)
          .digest('hex')
          .slice(0, 32),
        time,
        agent: boundedId(agent),
        session_id: boundedId(seen.session),
        cwd: boundedCwd(seen.cwd),
        kind: 'tool_decision',
        event_name: 'ward.hook.decision',
        tool: boundedId(seen.tool),
        call_id: boundedId(seen.callId),
        command: safeText(o.redact, seen.command),
        target: safeText(o.redact, seen.target),
        decision,
        decision_source: 'ward-hook',
        attributes: { 'ward.hook.reason': safeText(o.redact, seen.reason) },
      };
      queue.push({ sender, event });
      held.set(sender, mine + 1);
      timer ??= setTimeout(() => {
        flushing = flushing.then(flush);
      }, flushMs);
    },
    /** Stores what is waiting now (a stop, or a test). */
    async flush(): Promise<void> {
      if (timer) clearTimeout(timer);
      flushing = flushing.then(flush);
      await flushing;
    },
    stats: () => ({ queued: queue.length, stored, dropped }),
  };
}
export type HookRecorder = ReturnType<typeof createHookRecorder>;
