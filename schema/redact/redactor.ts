import { RedactionConfig, type RedactionConfigInput } from './config.js';
import { BUILTIN_PATTERNS, compileSource, type Trigger } from './patterns.js';

/** Redacts secrets in text, counting what it replaced per kind. */
export interface Redactor {
  /** `s` with every secret replaced by `[REDACTED:<kind>]` (a kept prefix such as `password=` stays). */
  text(s: string): string;
  /** Replacements so far, per kind. */
  readonly hits: Readonly<Record<string, number>>;
}

export function redactionMarker(kind: string): string {
  return `[REDACTED:${kind}]`;
}

interface Entry {
  kind: string;
  source: string;
  keepsPrefix: boolean;
  marker: string;
  /** Custom patterns have none: they are always in the pass. */
  trigger: ((s: string) => boolean) | null;
}

/** Any ASCII spelling of any of `words` (the patterns spell their keywords in ASCII only: see ci()). */
function wordsSource(words: readonly string[]): RegExp {
  return new RegExp(words.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'i');
}

/** A trigger (patterns.ts) as one test, and the test that holds when any of `triggers` does. */
function triggerTest(t: Trigger): (s: string) => boolean {
  const cased = t.cased === undefined ? null : new RegExp(t.cased);
  const words = t.words === undefined || t.words.length === 0 ? null : wordsSource(t.words);
  return (s) => (cased !== null && cased.test(s)) || (words !== null && words.test(s));
}

function anyTrigger(triggers: readonly Trigger[]): (s: string) => boolean {
  return triggerTest({
    cased: triggers.flatMap((t) => (t.cased === undefined ? [] : [`(?:${t.cased})`])).join('|') || undefined,
    words: triggers.flatMap((t) => t.words ?? []),
  });
}

/**
 * One regex pass per string: the enabled patterns whose cheap trigger holds (a substring test) are
 * joined into one global alternation, compiled once per combination and cached.
 */
export function createRedactor(config?: RedactionConfigInput): Redactor {
  const cfg = RedactionConfig.parse(config ?? {});
  const enabled = new Set<string>(cfg.kinds);
  const raw: { kind: string; source: string; trigger: Trigger | null }[] = [];
  for (const [kind, p] of Object.entries(BUILTIN_PATTERNS)) {
    if (enabled.has(kind)) raw.push({ kind, source: p.source, trigger: p.trigger });
  }
  for (const c of cfg.custom) raw.push({ kind: c.name, source: c.regex, trigger: null });
  const entries: Entry[] = raw.map((e, i) => ({
    kind: e.kind,
    trigger: e.trigger === null ? null : triggerTest(e.trigger),
    marker: redactionMarker(e.kind),
    ...compileSource(e.source, i),
  }));

  const hits: Record<string, number> = {};
  if (entries.length === 0) return { text: (s) => s, hits };

  const cache = new Map<string, { re: RegExp; replace: (...args: unknown[]) => string }>();
  const passFor = (active: number[]) => {
    const key = active.join(',');
    let pass = cache.get(key);
    if (!pass) {
      const re = new RegExp(active.map((i) => entries[i]!.source).join('|'), 'g');
      const replace = (...args: unknown[]): string => {
        const groups = args[args.length - 1] as Record<string, string | undefined>;
        for (const i of active) {
          if (groups[`k${i}`] === undefined) continue;
          const e = entries[i]!;
          hits[e.kind] = (hits[e.kind] ?? 0) + 1;
          const prefix = e.keepsPrefix ? (groups[`p${i}`] ?? '') : '';
          // Quotes the value held stay (after the marker): shell text keeps its structure when redacted.
          const quotes = (groups[`k${i}`] as string).slice(prefix.length).replace(/[^'"`]/g, '');
          return `${prefix}${e.marker}${quotes}`;
        }
        return args[0] as string;
      };
      pass = { re, replace };
      cache.set(key, pass);
    }
    return pass;
  };

  // With built-in patterns only, one test of every trigger at once turns most texts away.
  const triggers = raw.flatMap((e) => (e.trigger === null ? [] : [e.trigger]));
  const any = triggers.length === raw.length ? anyTrigger(triggers) : () => true;

  const scan = (s: string): string => {
    // Strings too short to hold any secret skip the regex engine.
    if (s.length < 8 || !any(s)) return s;
    const active: number[] = [];
    for (let i = 0; i < entries.length; i++) {
      const t = entries[i]!.trigger;
      if (t === null || t(s)) active.push(i);
    }
    if (active.length === 0) return s;
    const pass = passFor(active);
    return s.replace(pass.re, pass.replace);
  };

  /** The decoded text of a base64 value when a secret hides in it (redacted), else null. */
  const insideBase64 = (b64: string): string | null => {
    if (b64.length < 16 || b64.length % 4 !== 0) return null;
    let decoded: string;
    try {
      decoded = atob(b64);
    } catch {
      return null;
    }
    const clean = scan(decoded);
    return clean === decoded ? null : clean;
  };

  return {
    text(s: string): string {
      const out = scan(s);
      // OTLP bytesValue arrives base64-encoded, which hides a secret from the patterns: look inside, both
      // a whole base64 value and one quoted inside a serialized array or kvlist. A value holding a secret
      // is stored decoded, with the secret replaced.
      if (out === s && s.length >= 16 && BASE64.test(s)) return insideBase64(s) ?? out;
      if (!out.includes('"')) return out;
      return out.replace(QUOTED_BASE64, (m, b64: string) => {
        const clean = insideBase64(b64);
        return clean === null ? m : JSON.stringify(clean);
      });
    },
    hits,
  };
}

const QUOTED_BASE64 = /"([A-Za-z0-9+/]{16,}={0,2})"/g;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
