import type { Api } from '../lib/api.js';
import type {
  AgentEvent,
  AlertRecord,
  RawEvent,
  ReceivedEvent,
  RiskAnswer,
  SessionTimeline,
} from '../lib/types.js';
import { Resource } from './resource.svelte.js';

/** Timeline groups the investigation can show or hide. */
export const LANES = {
  prompt: ['prompt', 'session_start'],
  command: ['command', 'tool_call', 'tool_result', 'tool_decision'],
  file: ['file_read', 'file_write'],
  network: ['network'],
  approval: ['approval'],
  violation: ['sandbox_violation'],
  model: ['llm_request', 'llm_error'],
  other: ['other'],
} as const satisfies Record<string, readonly AgentEvent['kind'][]>;
export type Lane = keyof typeof LANES;

/** The lane an event kind belongs to. */
export function laneOf(kind: AgentEvent['kind']): Lane {
  for (const [lane, kinds] of Object.entries(LANES))
    if ((kinds as readonly string[]).includes(kind)) return lane as Lane;
  return 'other';
}

/** One session under investigation: its timeline, alerts, risk, the alert in focus and raw rows on demand. */
export class InvestigationState {
  sessionId = $state('');
  alertId = $state('');
  timeline = new Resource<SessionTimeline>();
  alerts = new Resource<AlertRecord[]>();
  risk = new Resource<RiskAnswer>();
  focusAlert = new Resource<{ alert: AlertRecord; events: AgentEvent[] }>();
  raw = $state<Record<string, Resource<RawEvent>>>({});
  expanded = $state<Set<string>>(new Set());
  hidden = $state<Set<Lane>>(new Set());

  constructor(private readonly api: Api) {}

  async load(sessionId: string, alertId: string): Promise<void> {
    if (alertId !== this.alertId || sessionId !== this.sessionId) {
      this.alertId = alertId;
      if (alertId)
        void this.focusAlert.run(() =>
          this.api.get<{ alert: AlertRecord; events: AgentEvent[] }>(
            `/alerts/${encodeURIComponent(alertId)}`,
          ),
        );
      else this.focusAlert.data = undefined;
    }
    if (sessionId === this.sessionId && this.timeline.data) return;
    this.sessionId = sessionId;
    this.expanded = new Set();
    this.raw = {};
    this.timeline.data = undefined;
    await Promise.all([
      this.timeline.run(() => this.api.get<SessionTimeline>(`/sessions/${encodeURIComponent(sessionId)}`)),
      this.alerts.run(
        async () =>
          (await this.api.get<{ alerts: AlertRecord[] }>('/alerts', { session: sessionId, limit: 200 }))
            .alerts,
      ),
      this.risk.run(() => this.api.get<RiskAnswer>('/risk', { session: sessionId })),
    ]);
  }

  /** Events of the alerts in focus (the one from the URL, else every alert of the session): the evidence. */
  get evidence(): Set<string> {
    const focused = this.focusAlert.data?.alert;
    if (focused) return new Set(focused.event_ids);
    return new Set((this.alerts.data ?? []).flatMap((a) => a.event_ids));
  }

  get events(): ReceivedEvent[] {
    const all = this.timeline.data?.events ?? [];
    return this.hidden.size === 0 ? all : all.filter((e) => !this.hidden.has(laneOf(e.kind)));
  }

  toggleLane(lane: Lane): void {
    const next = new Set(this.hidden);
    if (next.has(lane)) next.delete(lane);
    else next.add(lane);
    this.hidden = next;
  }

  /** Opens or closes an event's raw OTel row (fetched the first time). */
  toggleRaw(eventId: string): void {
    const next = new Set(this.expanded);
    if (next.has(eventId)) next.delete(eventId);
    else {
      next.add(eventId);
      if (!this.raw[eventId]) {
        const r = new Resource<RawEvent>();
        this.raw = { ...this.raw, [eventId]: r };
        void r.run(() => this.api.get<RawEvent>(`/events/${encodeURIComponent(eventId)}/raw`));
      }
    }
    this.expanded = next;
  }
}
