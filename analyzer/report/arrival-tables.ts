import type { ComplianceReport } from './model.js';
import { cutNote, notes } from './table-notes.js';
import type { Table } from './tables.js';
import { duration } from './text.js';

/** Received minus claimed time as words (no leading sign: a cell starting with '-' reads as a formula). */
const arrived = (ms: number) => (ms >= 0 ? `${duration(ms)} later` : `${duration(-ms)} earlier`);

/** The arrival-times section: each agent's claimed-versus-received skew, and the flagged events. */
export function arrivalTables(r: ComplianceReport): Table[] {
  const ar = r.arrivals;
  const flagged = ar.late_arrivals + ar.claimed_ahead + ar.backdated;
  return [
    {
      name: 'arrivals_by_agent',
      section: 'arrivals',
      title: 'Claimed against received time, per agent',
      columns: [
        'agent',
        'events received',
        'late arrivals',
        'claimed ahead',
        'backdated',
        'median arrival',
        'latest arrival',
        'furthest ahead',
      ],
      rows: ar.by_agent.map((g) => [
        g.agent,
        g.events,
        g.late_arrivals,
        g.claimed_ahead,
        g.backdated,
        arrived(g.p50_skew_ms),
        duration(g.max_late_ms),
        duration(g.max_ahead_ms),
      ]),
      note: `events count in the period Ward received them in; flagged beyond ${duration(ar.skew_tolerance_ms)} from their claimed time`,
    },
    {
      name: 'arrivals',
      section: 'arrivals',
      title: 'Late arrivals and events claiming other times',
      columns: [
        'flag',
        'claimed time',
        'received at',
        'arrived',
        'agent',
        'session',
        'user',
        'repo',
        'kind',
        'command',
        'event id',
      ],
      rows: ar.items.map((x) => [
        x.flag,
        x.time,
        x.received_at,
        arrived(x.skew_ms),
        x.agent,
        x.session_id,
        x.user,
        x.repo,
        x.kind,
        x.command,
        x.event_id,
      ]),
      note: notes(
        ar.items.length < flagged ? `first ${ar.items.length} of ${flagged}` : undefined,
        cutNote(ar.items),
        'late_arrival: claims a time before this period, whose report (made before it arrived) could not show it',
      ),
    },
  ];
}
