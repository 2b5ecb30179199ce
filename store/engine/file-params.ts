/**
 * Query parameters passed through a file instead of chDB's binding. The embedded engine runs bound statements
 * one at a time per process (its parameter state is not isolated per connection), so a background read that
 * runs for a few hundred milliseconds, bound, holds up every bound read of the API and of the approvals behind
 * it. Rewritten here, each `{name:Type}` placeholder becomes a scalar subquery over a one-row JSONEachRow file
 * holding the values: the values never enter the SQL text (JSON carries them, as data), and the statement is
 * unbound, so it runs beside the others.
 */

/** `{name:Type}`: ClickHouse's placeholder syntax (a type holds no brace). */
const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_]*):([^{}]+)\}/g;
/** Paths that can stand as a SQL string literal as they are (no quote, backslash or control character). */
const PLAIN_PATH = /^[A-Za-z0-9/_.+-]+$/;

export interface FileParams {
  /** The statement, reading its values from `path`. */
  sql: string;
  /** The file's one line (JSONEachRow). */
  line: string;
}

/**
 * The statement rewritten to read its parameters from the file at `path`, or null when it cannot be (an
 * unusual path, a value JSON cannot carry, a placeholder without a value, a name given two types): the
 * caller then binds as usual.
 */
export function toFileParams(sql: string, params: Record<string, unknown>, path: string): FileParams | null {
  if (!PLAIN_PATH.test(path)) return null;
  const types = new Map<string, string>();
  for (const [, name, type] of sql.matchAll(PLACEHOLDER)) {
    const t = (type as string).trim();
    const seen = types.get(name as string);
    if (seen !== undefined && seen !== t) return null;
    if (!Object.hasOwn(params, name as string)) return null;
    types.set(name as string, t);
  }
  if (types.size === 0) return null;
  const row: Record<string, unknown> = {};
  for (const name of types.keys()) {
    const v = params[name];
    if (!plainJson(v)) return null;
    row[name] = v;
  }
  // The types come from the statement (code), and stand in a string literal: quotes and backslashes escaped.
  const structure = [...types].map(([n, t]) => `\`${n}\` ${t}`).join(', ');
  const literal = structure.replaceAll('\\', '\\\\').replaceAll("'", "\\'");
  const source = `file('${path}', 'JSONEachRow', '${literal}')`;
  return {
    sql: sql.replace(PLACEHOLDER, (_m, name: string) => `assumeNotNull((SELECT \`${name}\` FROM ${source}))`),
    line: `${JSON.stringify(row)}\n`,
  };
}

/** Strings, finite numbers, booleans and arrays of them: what JSONEachRow reads back as the same value. */
function plainJson(v: unknown): boolean {
  if (typeof v === 'string' || typeof v === 'boolean') return true;
  if (typeof v === 'number') return Number.isFinite(v);
  if (Array.isArray(v)) return v.every(plainJson);
  return false;
}
