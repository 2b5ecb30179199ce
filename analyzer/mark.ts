import { createHash } from 'node:crypto';
import { remoteHosts } from './behaviour.js';
import type { Observation } from './observation.js';

/**
 * What a sequence detector keeps of an action it marks: enough to pair it with a later one and to explain the
 * pair, not the whole observation. A whole one holds the command (up to the 8 KiB cut), every word and path of
 * its analysis and the Sigma fields, ~25k characters for a long command, so a few dozen sessions of large
 * uploads filled the engine's budget for marks and it forgot and rebuilt sessions on every batch. A slim one
 * holds ~1k: texts cut to what an explanation shows (describe() shows 200 characters), the analysis' tags,
 * categories, ATT&CK ids, a few programs and the remote hosts; no words, paths or fields.
 */
const TEXT = 512;
const LIST = 16;
/** Characters counted for a mark's objects besides its texts. */
const OVERHEAD = 256;

const cut = (s: string) => (s.length > TEXT ? `${s.slice(0, TEXT)}…` : s);

/**
 * A fresh copy: V8 keeps a cut (`slice`) as a view of the whole string, so a mark counted at 1k characters held
 * every text it was cut from (an 8 MiB `decision_source` per denied action, found by an attacker helper).
 */
const fresh = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

/** A timestamped action a sequence detector remembers. */
export interface Mark {
  timeMs: number;
  obs: Observation;
  /** commandKey of the whole command. */
  command: string;
}

/** The command as denial-retry compares it: itself when short, its length and digest when longer than a mark keeps. */
export function commandKey(obs: Observation): string {
  const c = obs.event.command.trim();
  return c.length <= TEXT ? `=${c}` : `#${c.length}:${createHash('sha256').update(c).digest('base64')}`;
}

const SLIM = new WeakMap<Observation, Observation>();

/** The event with every text cut (ids, names and versions are bounded when normalized; this bounds the rest). */
function slimEvent(e: Observation['event']): Observation['event'] {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(e)) out[k] = typeof v === 'string' ? cut(v) : v;
  return out as Observation['event'];
}

function slim(o: Observation): Observation {
  let s = SLIM.get(o);
  if (s) return s;
  s = {
    event: fresh({ ...slimEvent(o.event), attributes: {} }),
    actionKey: o.actionKey,
    actionClass: o.actionClass,
    timeMs: o.timeMs,
    denied: o.denied,
    facts: fresh({
      tags: o.facts.tags,
      categories: o.facts.categories,
      attack: o.facts.attack,
      binaries: o.facts.binaries.slice(0, LIST).map(cut),
      argv: [],
      paths: [],
      hosts: remoteHosts(o).slice(0, LIST).map(cut),
    }),
    fields: {},
    inputKey: '',
  };
  SLIM.set(o, s);
  return s;
}

export function markOf(obs: Observation): Mark {
  return { timeMs: obs.timeMs, obs: slim(obs), command: commandKey(obs) };
}

/** About the characters a mark holds. */
export function markChars(m: Mark): number {
  let n = OVERHEAD + m.command.length;
  for (const v of Object.values(m.obs.event)) if (typeof v === 'string') n += v.length;
  for (const list of [m.obs.facts.tags, m.obs.facts.categories, m.obs.facts.binaries, m.obs.facts.hosts])
    for (const x of list) n += x.length;
  return n;
}
