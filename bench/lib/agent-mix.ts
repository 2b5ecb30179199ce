import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { OtlpSignal } from '../../schema/index.js';

/** One captured OTLP/JSON request of a real agent, in capture order. */
interface Template {
  signal: OtlpSignal;
  json: unknown;
  /** Earliest time in the request (ns), the anchor that shifting moves to the copy's start. */
  startNs: bigint;
}

/** One request of a generated session: the OTLP/JSON body exactly as an exporter would send it. */
export interface MixRequest {
  signal: OtlpSignal;
  body: Uint8Array;
}

const SIGNALS: Record<string, OtlpSignal> = { logs: 'logs', traces: 'traces', metrics: 'metrics' };
const SESSION_KEYS = new Set(['session.id', 'conversation.id', 'gen_ai.conversation.id', 'prompt.id']);
const ID_KEYS = new Set(['traceId', 'spanId', 'parentSpanId']);
// Text that is the same in every session of one agent version (system prompt, tool schemas): kept as captured.
// Everything else long (prompts, outputs, commands, arguments) is made unique per copy, so the storage numbers
// never profit from cross-session repetition that real sessions would not have.
const STATIC_TEXT = /system_instructions|tool\.definitions|tool\.description|agent\.description/;
const LONG = 32;

/**
 * Every OTLP/JSON capture under `dir` (../shared/fixtures/agents), grouped per capture folder. Protobuf
 * captures are left out: the same agents' JSON captures cover their shapes.
 */
export function loadTemplates(dir: string): Template[][] {
  if (!existsSync(dir)) throw new Error(`no agent captures at ${dir}`);
  const sessions: Template[][] = [];
  for (const folder of readdirSync(dir, { withFileTypes: true })) {
    if (!folder.isDirectory()) continue;
    const files = readdirSync(join(dir, folder.name))
      .filter((f) => /^\d+-(logs|traces|metrics)\.json$/.test(f))
      .sort();
    const templates = files.map((f) => {
      const signal = SIGNALS[/-(\w+)\.json$/.exec(f)?.[1] ?? ''] as OtlpSignal;
      const json: unknown = JSON.parse(readFileSync(join(dir, folder.name, f), 'utf8'));
      return { signal, json, startNs: earliestNs(json) };
    });
    if (templates.length > 0) sessions.push(templates);
  }
  return sessions;
}

function earliestNs(json: unknown): bigint {
  let min = -1n;
  walk(json, (key, v) => {
    if (!key.endsWith('UnixNano') || (typeof v !== 'string' && typeof v !== 'number')) return;
    const n = BigInt(v);
    if (n > 0n && (min < 0n || n < min)) min = n;
  });
  return min < 0n ? 0n : min;
}

function walk(v: unknown, visit: (key: string, value: unknown) => void): void {
  if (Array.isArray(v)) for (const x of v) walk(x, visit);
  else if (v && typeof v === 'object')
    for (const [k, x] of Object.entries(v)) {
      visit(k, x);
      walk(x, visit);
    }
}

/** A small deterministic PRNG (mulberry32): the same seed makes the same data. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function hex(rand: () => number, len: number): string {
  let s = '';
  while (s.length < len)
    s += Math.floor(rand() * 0x100000000)
      .toString(16)
      .padStart(8, '0');
  return s.slice(0, len);
}

/** A letter and digit permutation: text keeps its shape and its own redundancy, but not across copies. */
function cipher(rand: () => number): (s: string) => string {
  const perm = (alphabet: string) => {
    const a = [...alphabet];
    for (let i = a.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [a[i], a[j]] = [a[j] as string, a[i] as string];
    }
    return new Map([...alphabet].map((c, i) => [c, a[i] as string]));
  };
  const table = new Map([
    ...perm('abcdefghijklmnopqrstuvwxyz'),
    ...perm('ABCDEFGHIJKLMNOPQRSTUVWXYZ'),
    ...perm('0123456789'),
  ]);
  return (s) => {
    let out = '';
    for (const c of s) out += table.get(c) ?? c;
    return out;
  };
}

/**
 * Copy `copy` of capture folder `templates`: new session, trace and span ids, times moved so the session starts
 * at `startMs`, long free text made unique. Returns the requests in capture order.
 */
export function makeSession(templates: readonly Template[], copy: number, startMs: number): MixRequest[] {
  const rand = rng(copy * 7919 + 17);
  const ids = new Map<string, string>();
  const mapId = (v: string) => {
    let out = ids.get(v);
    if (out === undefined) {
      out = /^[0-9a-f]+$/i.test(v) ? hex(rand, v.length) : `${hex(rand, 8)}-${hex(rand, 4)}-${hex(rand, 12)}`;
      ids.set(v, out);
    }
    return out;
  };
  const text = cipher(rand);
  const anchor = templates.reduce(
    (m, t) => (t.startNs > 0n && (m === 0n || t.startNs < m) ? t.startNs : m),
    0n,
  );
  const shift = BigInt(startMs) * 1_000_000n - anchor;
  const encoder = new TextEncoder();
  return templates.map((t) => ({
    signal: t.signal,
    body: encoder.encode(JSON.stringify(rewrite(t.json, '', { mapId, text, shift }))),
  }));
}

interface Rewrite {
  mapId: (v: string) => string;
  text: (s: string) => string;
  shift: bigint;
}

function rewrite(v: unknown, key: string, r: Rewrite): unknown {
  if (Array.isArray(v)) return v.map((x) => rewrite(x, key, r));
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    // An attribute: { key, value: { stringValue } }.
    if (typeof o.key === 'string' && o.value && typeof o.value === 'object') {
      return { ...o, value: rewriteValue(o.key, o.value as Record<string, unknown>, r) };
    }
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(o)) out[k] = rewrite(x, k, r);
    return out;
  }
  if (ID_KEYS.has(key) && typeof v === 'string' && v !== '') return r.mapId(v);
  if (key.endsWith('UnixNano') && (typeof v === 'string' || typeof v === 'number')) {
    const n = BigInt(v);
    return n > 0n ? (n + r.shift).toString() : v;
  }
  return v;
}

function rewriteValue(attr: string, value: Record<string, unknown>, r: Rewrite): unknown {
  const s = value.stringValue;
  if (typeof s !== 'string') return rewrite(value, '', r);
  if (SESSION_KEYS.has(attr)) return { stringValue: r.mapId(s) };
  if (attr === 'event.timestamp') {
    const ms = Date.parse(s);
    if (!Number.isNaN(ms)) return { stringValue: new Date(ms + Number(r.shift / 1_000_000n)).toISOString() };
  }
  if (s.length > LONG && !STATIC_TEXT.test(attr)) return { stringValue: r.text(s) };
  return value;
}
