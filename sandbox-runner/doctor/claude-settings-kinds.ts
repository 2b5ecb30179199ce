/**
 * The small language doctor's Claude Code settings table is written in (claude-settings.ts): what a field
 * accepts, and the first value in a settings file that breaks it. bench/measure-claude-settings.ts walks the
 * same kinds to make the wrong and the valid values it tries on the real binary.
 */

type Json = Record<string, unknown>;
export const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isInt = (v: unknown): v is number => isNum(v) && Number.isInteger(v);

/** Named kinds of value, each as Claude Code checks it. */
export const SCALARS = {
  string: (v: unknown) => typeof v === 'string',
  'non-empty string': (v: unknown) => typeof v === 'string' && v.length > 0,
  URL: (v: unknown) => typeof v === 'string' && URL.canParse(v),
  boolean: (v: unknown) => typeof v === 'boolean',
  number: isNum,
  'positive number': (v: unknown) => isNum(v) && v > 0,
  integer: isInt,
  object: isObj,
  list: Array.isArray,
  'list of strings': (v: unknown) => Array.isArray(v) && v.every((x) => typeof x === 'string'),
  'list of objects': (v: unknown) => Array.isArray(v) && v.every(isObj),
  'positive integer': (v: unknown) => isInt(v) && v > 0,
  'integer of 1000 or more': (v: unknown) => isInt(v) && v >= 1000,
  '0 or an integer of 60000 or more': (v: unknown) => v === 0 || (isInt(v) && v >= 60_000),
  'number over 0 up to 1': (v: unknown) => isNum(v) && v > 0 && v <= 1,
  'number from 0 to 1': (v: unknown) => isNum(v) && v >= 0 && v <= 1,
} as const;
export type ScalarName = keyof typeof SCALARS;

/** An object's fields: what each accepts, and which must be there. */
export interface Fields {
  fields: Readonly<Record<string, Kind>>;
  required?: readonly string[];
}

/**
 * A field's accepted values: a named kind, one of some strings, a string matching a pattern (with a value that
 * does and one that does not, for the measuring script), a list's items
 * or a map's values (only under `keys` if given: other keys are dropped alone); `lenient`: a value that is not a
 * list, or not an object, is dropped alone, not the file; alternatives, an object's fields, or objects told apart by one field.
 */
export type Kind =
  | ScalarName
  | readonly string[]
  | { pattern: RegExp; name: string; example: string; counterexample: string }
  | { list: Kind; lenient?: boolean }
  | { record: Kind; keys?: readonly string[]; lenient?: boolean }
  | { either: readonly Kind[] }
  | Fields
  | { tag: string; variants: Readonly<Record<string, Fields>> };

/** The same kind for each of some keys. */
export const by = (kind: Kind, keys: readonly string[]): Record<string, Kind> =>
  Object.fromEntries(keys.map((k) => [k, kind]));

/** Array.isArray does not narrow a readonly array out of a union. */
export const isOneOf = (kind: Kind): kind is readonly string[] => Array.isArray(kind);
const article = (s: string) => (/^[aeiouAEIOU]/.test(s) && !s.startsWith('URL') ? 'an' : 'a');

export function describeKind(kind: Kind): string {
  if (typeof kind === 'string') return /^\d/.test(kind) ? kind : `${article(kind)} ${kind}`;
  if (isOneOf(kind)) return `one of ${kind.map((v) => JSON.stringify(v)).join(', ')}`;
  if ('pattern' in kind) return `${article(kind.name)} ${kind.name}`;
  if ('list' in kind) return `a list whose items are each ${describeKind(kind.list)}`;
  if ('record' in kind) return `an object whose values are each ${describeKind(kind.record)}`;
  if ('either' in kind) return kind.either.map(describeKind).join(' or ');
  if ('tag' in kind)
    return `an object whose \`${kind.tag}\` is one of ${Object.keys(kind.variants).join(', ')}`;
  return 'an object';
}

/** The first value that breaks a kind: where, what it is (absent: missing), and what it should be. */
export interface Mismatch {
  path: string;
  value?: unknown;
  missing?: boolean;
  expected: string;
}

function fieldsMismatch(value: Json, kind: Fields, path: string): Mismatch | null {
  for (const name of kind.required ?? [])
    if (value[name] === undefined) {
      const expected = kind.fields[name];
      return { path: `${path}.${name}`, missing: true, expected: expected ? describeKind(expected) : '' };
    }
  for (const [name, inner] of Object.entries(kind.fields)) {
    const m = value[name] === undefined ? null : mismatch(value[name], inner, `${path}.${name}`);
    if (m) return m;
  }
  return null;
}

/** The first value in `value` that `kind` does not accept, where it is and what it should be; null if none. */
export function mismatch(value: unknown, kind: Kind, path: string): Mismatch | null {
  const bad = { path, value, expected: describeKind(kind) };
  if (typeof kind === 'string') return SCALARS[kind](value) ? null : bad;
  if (isOneOf(kind)) return kind.includes(value as string) ? null : bad;
  if ('pattern' in kind) return typeof value === 'string' && kind.pattern.test(value) ? null : bad;
  if ('either' in kind) return kind.either.some((k) => mismatch(value, k, path) === null) ? null : bad;
  if ('list' in kind) {
    if (!Array.isArray(value)) return kind.lenient ? null : bad;
    for (const [i, item] of value.entries()) {
      const m = mismatch(item, kind.list, `${path}[${i}]`);
      if (m) return m;
    }
    return null;
  }
  if (!isObj(value)) return 'record' in kind && kind.lenient ? null : bad;
  if ('record' in kind) {
    for (const k of Object.keys(value).filter((k) => !kind.keys || kind.keys.includes(k))) {
      const m = mismatch(value[k], kind.record, `${path}.${k}`);
      if (m) return m;
    }
    return null;
  }
  if ('tag' in kind) {
    const variant = kind.variants[String(value[kind.tag])];
    if (!variant || typeof value[kind.tag] !== 'string')
      return value[kind.tag] === undefined
        ? { path: `${path}.${kind.tag}`, missing: true, expected: describeTag(kind) }
        : { path: `${path}.${kind.tag}`, value: value[kind.tag], expected: describeTag(kind) };
    return fieldsMismatch(value, variant, path);
  }
  return fieldsMismatch(value, kind, path);
}

const describeTag = (kind: { variants: Readonly<Record<string, Fields>> }) =>
  describeKind(Object.keys(kind.variants));

/** A mismatch as doctor words it. */
export function describeMismatch(m: Mismatch): string {
  if (m.missing) return `\`${m.path}\` is missing (it must be ${m.expected})`;
  return `\`${m.path}\` is ${JSON.stringify(m.value)?.slice(0, 60)}, not ${m.expected}`;
}
