import { isRemoteHost, isSendingRule } from '../gate/index.js';
import type { CommandFacts } from './command-facts.js';
import type { Observation } from './observation.js';
import { toolArguments } from './written-text.js';

/** Gate categories that make an action's intent worth remembering (a retry of it is a retry of an attack). */
export const RISKY_CATEGORIES = new Set([
  'destructive',
  'credential-access',
  'exfiltration',
  'download-execute',
  'persistence',
  'privilege-escalation',
  'defense-evasion',
  'reverse-shell',
  'impact',
]);

const SENSITIVE_READ =
  /^(read\.(secret|ssh-key|password-db|browser|keychain|history|project-secret|agent-credentials|env-secrets|stored-credential)|search\.secrets|exfil\.secret-upload)$/;

/** What the predicates below read, worked out once per analysed command (facts are memoized per command). */
interface Traits {
  remote: string[];
  sensitiveRead: boolean;
  egressTag: boolean;
  intent: string[];
  destructive: boolean;
}
const TRAITS = new WeakMap<CommandFacts, Traits>();

function traits(facts: CommandFacts): Traits {
  let t = TRAITS.get(facts);
  if (!t) {
    t = {
      remote: facts.hosts.filter(isRemoteHost),
      sensitiveRead: facts.tags.some((x) => SENSITIVE_READ.test(x)),
      egressTag: facts.tags.some(isSendingRule) || (facts.sending ?? []).length > 0,
      intent: facts.categories.filter((c) => RISKY_CATEGORIES.has(c)),
      destructive: facts.categories.includes('destructive'),
    };
    TRAITS.set(facts, t);
  }
  return t;
}

/** Hosts off this machine and off the private network (a bare name without dots counts as local). */
export function remoteHosts(obs: Observation): string[] {
  return traits(obs.facts).remote;
}

/** remoteHosts of an analysed command's facts. */
export function remoteHostsOf(facts: CommandFacts): string[] {
  return traits(facts).remote;
}

/** Reads a credential, key, password store, browser profile, shell history, project secrets file, agent login or the environment. */
export function isSensitiveRead(obs: Observation): boolean {
  return traits(obs.facts).sensitiveRead;
}

/** Sends to, or reaches, a remote host (allowed or not: an attempt is what matters). */
export function isEgress(obs: Observation): boolean {
  if (obs.actionClass === 'network') return remoteHosts(obs).length > 0;
  if (obs.actionClass !== 'exec') return false;
  const t = traits(obs.facts);
  return t.remote.length > 0 || t.egressTag;
}

/** Programs that, given only a URL, fetch it and send nothing of the machine's. */
const PLAIN_FETCHERS = new Set(['curl', 'wget']);
/** Text in a command that can put the machine's data into a fetch: substitution, variables, files, bodies, pipes into it, a query. */
const DATA_IN_FETCH =
  /\$[({\w]|`|@|<|\|\s*(curl|wget)\b|\s-(d|F|T|X|e|H|b|u|-data[\w-]*|-form[\w-]*|-upload-file|-post-(file|data)|-method|-body-(file|data)|-header|-cookie|-user|-referer|-user-agent|A)\b|\?|#|https?:\/\/[^\s/]*@/i;
/** A host label or path segment that could be data rather than a name: long, or mixing letters and digits. */
const TOKEN_SEGMENT = /[/.](?=[\w+=-]*\d)(?=[\w+=-]*[a-z])[\w+=-]{16,}|[/.][\w+=-]{40,}/i;

/**
 * Whether an egress could carry the machine's data. Only a plain fetch of a fixed URL is taken to carry none:
 * curl or wget alone, no substitution, variable, file, body, header, pipe into it, query string, or token-like
 * host label (DNS carries it too) or path segment. Anything else (another program, a file tool's fetch whose URL is not in the event) may.
 */
export function carriesData(obs: Observation): boolean {
  if (obs.actionClass === 'network') return !fetchesFixedUrl(obs);
  if (obs.actionClass !== 'exec') return true;
  const f = obs.facts;
  if (f.tags.some(isSendingRule)) return true;
  const senders = f.sending ?? [];
  if (senders.length === 0 || !senders.every((s) => PLAIN_FETCHERS.has(s))) return true;
  const cmd = obs.event.command;
  return DATA_IN_FETCH.test(cmd) || TOKEN_SEGMENT.test(cmd);
}

/** Arguments of a fetch tool that go to the model or shape the reply, not to the host (`prompt`, `max_length`). */
const PLAIN_VALUE = /^(\d+|true|false)$/;

/**
 * A fetch tool's call (WebFetch, web_fetch, an MCP fetch) whose exported arguments are only fixed URLs, judged as
 * a plain curl of them is: no query, fragment, credentials or token-like segment, and nothing else sent (a
 * `prompt` goes to the model that reads the page; numbers and flags shape the reply). Unknown arguments carry.
 */
function fetchesFixedUrl(obs: Observation): boolean {
  for (const args of toolArguments(obs.event)) {
    const urls: string[] = [];
    for (const [key, v] of Object.entries(args)) {
      if (typeof v === 'number' || typeof v === 'boolean') continue;
      if (typeof v !== 'string') return false;
      if (key === 'url') urls.push(v);
      else if (key === 'prompt') urls.push(...(v.match(/https?:\/\/\S+/g) ?? []));
      else if (!PLAIN_VALUE.test(v)) return false;
    }
    return (
      urls.length > 0 &&
      urls.every((u) => /^https?:\/\/[^\s/?#@]+(\/[^\s?#]*)?$/i.test(u) && !TOKEN_SEGMENT.test(u))
    );
  }
  return false;
}

/**
 * An upload by itself: a finding that sends data out, to a remote host or whatever the host (`exfil.*`). A push or
 * a publish to the project's usual service is not one; what a detector takes as the second step of a sequence
 * whose first it may have forgotten.
 */
export function uploads(obs: Observation): boolean {
  const tags = obs.facts.tags;
  if (!tags.some(isSendingRule)) return false;
  return remoteHosts(obs).length > 0 || tags.some((t) => t.startsWith('exfil.'));
}

/** Deletes, overwrites or rewrites beyond the workspace's ordinary churn. */
export function isDestructive(obs: Observation): boolean {
  return obs.actionClass === 'exec' && traits(obs.facts).destructive;
}

/** The risky categories of an action (its "intent"). */
export function intentOf(obs: Observation): string[] {
  return traits(obs.facts).intent;
}

/** Short, inert text for explanations: control characters shown as escapes, long text cut. */
export function inert(s: string, max = 200): string {
  const cut = s.length > max ? `${s.slice(0, max)}…` : s;
  let out = '';
  for (const ch of cut) {
    const c = ch.charCodeAt(0);
    out += c < 0x20 || (c >= 0x7f && c <= 0x9f) ? `\\x${c.toString(16).padStart(2, '0')}` : ch;
  }
  return out;
}

/** What an action was, in a few words, for explanations. */
export function describe(obs: Observation): string {
  const e = obs.event;
  if (obs.actionClass === 'exec') return `\`${inert(e.command || e.tool)}\``;
  if (obs.actionClass === 'network')
    return `connection to ${inert(e.target)}${obs.denied ? ' (blocked)' : ''}`;
  return `${obs.actionClass} of ${inert(e.target || e.tool)}`;
}
