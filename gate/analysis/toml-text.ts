import { parse } from 'smol-toml';

/**
 * TOML text read into tables, arrays and strings (tox.toml, pyproject.toml) with smol-toml, keeping only what a
 * runner's commands are made of: strings, booleans as themselves, every other scalar (numbers, dates) as null.
 */

export type TomlValue = string | boolean | null | TomlValue[] | TomlTable;
/** A table: a Map, so that no key (`__proto__`) is taken for anything but a key. */
export type TomlTable = Map<string, TomlValue>;

/** How deep arrays and inline tables may nest before the text is taken for not TOML. */
const MAX_NESTING = 64;

const isTable = (v: TomlValue | undefined): v is TomlTable => v instanceof Map;

/** The value at a path of keys under `from`, undefined when a key is missing or a step is not a table. */
export function tomlAt(from: TomlValue | undefined, keys: readonly string[]): TomlValue | undefined {
  let at = from;
  for (const k of keys) at = isTable(at) ? at.get(k) : undefined;
  return at;
}

/** Whether a value is a table. */
export function isTomlTable(v: TomlValue | undefined): v is TomlTable {
  return isTable(v);
}

function kept(v: unknown): TomlValue {
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  if (Array.isArray(v)) return v.map(kept);
  if (v !== null && typeof v === 'object' && !(v instanceof Date)) {
    const table: TomlTable = new Map();
    // Own keys only, read by descriptor: a `__proto__` key is a key like any other.
    for (const k of Object.getOwnPropertyNames(v))
      table.set(k, kept(Object.getOwnPropertyDescriptor(v, k)?.value));
    return table;
  }
  return null;
}

/** The document of TOML text, or undefined when the text is not TOML. */
export function parseToml(text: string): TomlTable | undefined {
  let doc: unknown;
  try {
    doc = parse(text.replace(/^\uFEFF/, ''), { maxDepth: MAX_NESTING, unsafeKeyBehaviour: 'keep' });
  } catch {
    return undefined;
  }
  const table = kept(doc);
  return isTable(table) ? table : undefined;
}
