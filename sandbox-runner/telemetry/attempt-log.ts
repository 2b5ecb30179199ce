import type { NetworkAttempt } from '../../schema/fast.js';

/** Attempts kept one by one, per decision; later ones are counted per host and port. */
export const LISTED_PER_DECISION = 500;
/** Distinct host:port groups counted per decision; later hosts share one group. */
export const GROUPS_PER_DECISION = 500;
const OTHER_HOSTS = '(other hosts)';

/** A command's network attempts, in bounded memory and span size whatever the command does. */
export interface AttemptLog {
  add(attempt: NetworkAttempt): void;
  /** The listed attempts in order, then one summary per group (its reason says how many it stands for). */
  list(): NetworkAttempt[];
}

interface Group {
  first: NetworkAttempt;
  count: number;
  bytesIn: number;
  bytesOut: number;
  durationMs: number;
}

/**
 * A flood of attempts (a hundred thousand refused connections in an agent session) must neither grow the
 * runner without bound nor make the span too big for the server (413: the whole command unrecorded) nor push
 * the one connection that carried data out of the record. So allowed and refused attempts are kept apart
 * (refusals cannot crowd out an allowed one), each listed up to a bound and then counted with its bytes.
 */
export function createAttemptLog(): AttemptLog {
  const listed: Record<NetworkAttempt['decision'], NetworkAttempt[]> = { allow: [], deny: [] };
  const groups: Record<NetworkAttempt['decision'], Map<string, Group>> = {
    allow: new Map(),
    deny: new Map(),
  };
  return {
    add(a) {
      if (listed[a.decision].length < LISTED_PER_DECISION) {
        listed[a.decision].push(a);
        return;
      }
      const byHost = groups[a.decision];
      let key = `${a.host}\0${a.port}`;
      if (!byHost.has(key) && byHost.size >= GROUPS_PER_DECISION) key = OTHER_HOSTS;
      const g = byHost.get(key);
      if (g) {
        g.count++;
        g.bytesIn += a.bytes_in;
        g.bytesOut += a.bytes_out;
        g.durationMs += a.duration_ms;
      } else {
        const first = key === OTHER_HOSTS ? { ...a, host: OTHER_HOSTS, port: 0 } : a;
        byHost.set(key, {
          first,
          count: 1,
          bytesIn: a.bytes_in,
          bytesOut: a.bytes_out,
          durationMs: a.duration_ms,
        });
      }
    },
    list() {
      const summaries = [...groups.allow.values(), ...groups.deny.values()].map(
        (g): NetworkAttempt => ({
          ...g.first,
          resolved_ip: g.count === 1 ? g.first.resolved_ip : '',
          reason: `${g.count} more attempts counted together (first: ${g.first.reason})`,
          bytes_in: g.bytesIn,
          bytes_out: g.bytesOut,
          duration_ms: g.durationMs,
        }),
      );
      const inOrder = [...listed.allow, ...listed.deny].sort((x, y) => x.time.localeCompare(y.time));
      return [...inOrder, ...summaries];
    },
  };
}
