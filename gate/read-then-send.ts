import type { RiskReason } from '../schema/index.js';
import type { Facts } from './analysis/context.js';

/**
 * "Read a secret, then send something out" within one session: the shape of credential theft spread over two
 * tool calls, each of which the gate may allow alone. The analyzer finds it too (`seq.sensitive-read-egress`),
 * but only once it has scored the read, seconds later; the gate's caller remembers the session's reads so the
 * sending call is asked for at once. The definitions here are the analyzer's as well.
 */

/** How long a secret read counts toward a later send in the same session (seconds). */
export const READ_THEN_SEND_WINDOW_S = 1800;

/**
 * This machine and the private networks, as dotted IPv4 or IPv6 literals, and bare names without dots that
 * start with a letter (a local alias or an ssh config entry). A number written as one name (`2130706433`,
 * `0x08080808`) or another IPv6 address is an address anywhere: remote.
 */
const LOCAL_HOST =
  /^(localhost|127\.\d+\.\d+\.\d+|0\.0\.0\.0|10\.\d+\.\d+\.\d+|192\.168\.\d+\.\d+|172\.(1[6-9]|2\d|3[01])\.\d+\.\d+|\[?(::1|f[cd][0-9a-f]{0,2}:[0-9a-f:]*|fe80:[0-9a-f:]*)\]?|[a-z_][a-z0-9_-]*)$/i;

/** Findings that carry data off the machine whatever the host (uploads, paste sites, DNS, sockets, tunnels). */
const SENDING_RULE = /^(net\.(upload|dns-exfil|web-service|raw-socket|remote-shell|tunnel)|exfil\.)/;

/** A host off this machine and off the private network. */
export function isRemoteHost(host: string): boolean {
  return !LOCAL_HOST.test(host);
}

/** A finding that sends data out by itself, whatever host it names. */
export function isSendingRule(rule: string): boolean {
  return SENDING_RULE.test(rule);
}

/** What a decided call read of credentials or secrets (its first such reason), or null. */
export function secretReadOf(reasons: readonly RiskReason[]): string | null {
  const r = reasons.find((x) => x.category === 'credential-access' && !/^tool\.write-/.test(x.rule_id));
  return r ? r.detail : null;
}

/** What a call sends out, or null: the remote hosts it reaches, or a finding that sends by itself. */
export function sendOf(reasons: readonly RiskReason[], facts: Pick<Facts, 'hosts'> | null): string | null {
  const remote = [...new Set((facts?.hosts ?? []).map((h) => h.toLowerCase()).filter(isRemoteHost))];
  if (remote.length > 0) return `reaches ${remote.slice(0, 3).join(', ')}${remote.length > 3 ? ', …' : ''}`;
  const sending = reasons.find((r) => isSendingRule(r.rule_id));
  return sending ? sending.detail : null;
}
