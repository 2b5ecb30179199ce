import { z } from 'zod';
import { AgentEvent, EventKind } from './agent-event.js';

const isoTime = z
  .string()
  .refine((s) => !Number.isNaN(Date.parse(s)), 'must be an ISO 8601 date-time, e.g. 2026-11-26T10:00:00Z');

/** Query string of GET /api/events. */
export const EventsQuery = z.object({
  agent: z.string().max(256).optional(),
  session: z.string().max(256).optional(),
  kind: EventKind.optional(),
  from: isoTime.optional(),
  to: isoTime.optional(),
  text: z.string().max(512).optional().describe('Substring of the command, target or event name'),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  cursor: z.string().max(512).optional().describe('Opaque cursor from the previous page'),
});
export type EventsQuery = z.infer<typeof EventsQuery>;

/**
 * An event as the API serves it: with the time the server stored it. The sender chooses `time` (inside the
 * accepted window, hours in the past or minutes ahead), so a reader needs both to tell a late arrival.
 */
export const ReceivedEvent = AgentEvent.extend({
  received_at: z
    .string()
    .describe(
      'When the server stored the event (ISO 8601 UTC, milliseconds); `time` is what the sender claimed',
    ),
});
export type ReceivedEvent = z.infer<typeof ReceivedEvent>;

export const EventsPage = z.object({
  events: z.array(ReceivedEvent),
  next_cursor: z.string().nullable(),
});
export type EventsPage = z.infer<typeof EventsPage>;

/** Query string of GET /api/sessions. */
export const SessionsQuery = z.object({
  agent: z.string().max(256).optional(),
  from: isoTime.optional(),
  to: isoTime.optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});
export type SessionsQuery = z.infer<typeof SessionsQuery>;

/** One row of GET /api/sessions. */
export const SessionSummary = z.object({
  session_id: z.string(),
  agent: z.string(),
  user_id: z.string(),
  host: z.string(),
  repo: z.string(),
  first_time: z.string(),
  last_time: z.string(),
  events: z.number(),
  commands: z.number(),
  denied: z.number(),
  kinds: z.record(z.string(), z.number()),
  senders: z
    .array(z.string())
    .optional()
    .describe(
      'ids of the tokens that sent events into the session (not loopback ingest, not the server itself), sorted; more than one: the session is contested (another token named its id)',
    ),
});
export type SessionSummary = z.infer<typeof SessionSummary>;

/** GET /api/sessions/:id */
export const SessionTimeline = z.object({
  session: SessionSummary,
  events: z.array(ReceivedEvent),
  truncated: z.boolean(),
});
export type SessionTimeline = z.infer<typeof SessionTimeline>;

/** The error body of every non-OTLP API error. */
export const ApiError = z.object({ error: z.string(), details: z.unknown().optional() });
export type ApiError = z.infer<typeof ApiError>;
