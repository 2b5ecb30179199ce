import { hash, randomUUID } from 'node:crypto';
import type { Redactor } from '../../schema/fast.js';
import { type AgentEvent, type Decision, emptyAgentEvent, SENDER_ATTRS } from '../../schema/index.js';
import type { Store } from '../../store/index.js';
import { SENDER_SHARE } from '../ingest/admission.js';
import { createSenderShare } from '../ingest/sender-share.js';
import { boundedCwd, boundedId, classifyTool, safeText } from '../normalize/index.js';

/** A tool call a hook decided, as the hook endpoint tells it. */
export interface HookCallSeen {
  session: string;
  tool: string;
  /** The shell command as the gate saw it ('' for other tools). */
  command: string;
  /** The tool's arguments, classified as telemetry's are (paths, patches, URLs). */
  toolInput: Record<string, unknown>;
  cwd: string;
  callId: string;
  decision: 'allow' | 'ask' | 'deny' | 'defer';
  reason: string;
}

export interface HookRecorderOptions {
  store: { events: Pick<Store['events'], 'insert'> };
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
 * decision is counted as dropped and logged; the hook route asks `hasRoom` first and denies the call without it.
 */
export function createHookRecorder(o: HookRecorderOptions) {
  const flushMs = o.flushMs ?? 250;
  const maxQueued = o.maxQueued ?? 5_000;
  // Decisions each token has waiting, against its share (bytes are not counted: each event is bounded).
  const shares = createSenderShare({
    bytes: Number.POSITIVE_INFINITY,
    rows: Math.floor(maxQueued * SENDER_SHARE),
  });
  let queue: { sender: string; event: AgentEvent }[] = [];
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
      for (const b of batch) shares.remove(b.sender, 0, 1);
    }
  }

  return {
    /**
     * Records one decided tool call made by `agent`, through the token `sender` (its id; `senderName` its name,
     * both kept on the event: any runner can name any session, and analysts must see whose call it was).
     */
    record(sender: string, agent: string, seen: HookCallSeen, senderName = ''): void {
      if (queue.length >= maxQueued || !shares.fits(sender, 0, 1)) {
        dropped++;
        if (dropped % 1000 === 1) o.log?.(`hook decisions dropped: ${dropped} (the queue is full)`);
        return;
      }
      const time = new Date().toISOString();
      const decision: Decision = seen.decision === 'defer' ? 'allow' : seen.decision;
      // What it does, as telemetry's tool calls are classified: an allowed call is that action (a WebFetch is
      // egress, a Read of a key a read of it); a refused or asked one stays a decision (it has not run).
      // (The hook's arguments are parsed JSON, which the classifier reads by type at each use.)
      const facts = classifyTool(seen.tool, seen.toolInput as Parameters<typeof classifyTool>[1]);
      const kind = decision === 'allow' && facts.kind ? facts.kind : 'tool_decision';
      const event: AgentEvent = {
        ...emptyAgentEvent(),
        event_id: hash(
          'sha256',
          `hook\0${agent}\0${seen.session}\0${seen.callId}\0${time}\0${randomUUID()}`,
          'hex',
        ).slice(0, 32),
        time,
        // No raw OTel row stands behind it (raw_table stays empty); its raw time is its own, as approval events'.
        raw_time: time,
        agent: boundedId(agent),
        session_id: boundedId(seen.session),
        cwd: boundedCwd(seen.cwd),
        kind,
        event_name: 'ward.hook.decision',
        tool: boundedId(seen.tool),
        call_id: boundedId(seen.callId),
        command: safeText(o.redact, seen.command || facts.command),
        target: safeText(o.redact, facts.target),
        decision,
        decision_source: 'ward-hook',
        attributes: {
          'ward.hook.reason': safeText(o.redact, seen.reason),
          [SENDER_ATTRS.hookId]: boundedId(sender),
          [SENDER_ATTRS.hookName]: boundedId(senderName),
        },
      };
      queue.push({ sender, event });
      shares.add(sender, 0, 1);
      timer ??= setTimeout(() => {
        flushing = flushing.then(flush);
      }, flushMs);
    },
    /** Whether a decision of `sender` would be recorded now (the hook is denied otherwise: fail closed). */
    hasRoom: (sender: string): boolean => queue.length < maxQueued && shares.fits(sender, 0, 1),
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
