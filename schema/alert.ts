import { z } from 'zod';

export const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'] as const;
export const Severity = z.enum(SEVERITIES);
export type Severity = z.infer<typeof Severity>;

export const ALERT_STATUSES = ['open', 'acknowledged', 'resolved', 'false_positive'] as const;

/** An explained detection over agent events (written by analyzer/, triaged in the UI). */
export const Alert = z.object({
  alert_id: z.string(),
  time: z.string(),
  rule_id: z.string(),
  title: z.string(),
  severity: Severity,
  attack_ids: z.array(z.string()),
  session_id: z.string(),
  agent: z.string(),
  event_ids: z.array(z.string()),
  explanation: z.string(),
  score: z.number(),
  status: z.enum(ALERT_STATUSES),
  assignee: z.string(),
  updated_at: z.string(),
});
export type Alert = z.infer<typeof Alert>;
