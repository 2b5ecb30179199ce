import type { EngineSettings } from './protocol.js';

/** Reads the engine's defaults of the named settings (`system.settings`), as text, on the connection given. */
export type ReadDefaults<C> = (conn: C, names: readonly string[]) => Promise<Map<string, string>>;

/** Marks a name the engine has no setting for. */
const UNKNOWN = Symbol('unknown setting');

/**
 * chDB keeps the settings a statement sends (as `SET …;` before it) on its connection for every statement
 * after it. So an insert that names no deduplication token inherits the last one given on that connection,
 * and a table with a deduplication window then drops its rows as a repeat, after the insert reported success.
 * This keeps, per connection, which settings the last statement changed; a statement that does not name one
 * of them sets it back to the engine's default first. Defaults are read once per name.
 */
export function createSettingsReset<C extends object>(readDefaults: ReadDefaults<C>) {
  const changed = new WeakMap<C, ReadonlySet<string>>();
  const known = new Map<string, string | typeof UNKNOWN>();
  return async function settle(
    conn: C,
    settings: EngineSettings | undefined,
  ): Promise<EngineSettings | undefined> {
    const named = Object.keys(settings ?? {});
    const stale = [...(changed.get(conn) ?? [])].filter((k) => !named.includes(k));
    if (stale.length === 0) {
      changed.set(conn, new Set(named));
      return settings;
    }
    const missing = stale.filter((k) => !known.has(k));
    if (missing.length > 0) {
      const read = await readDefaults(conn, missing);
      for (const k of missing) known.set(k, read.get(k) ?? UNKNOWN);
    }
    // Recorded before the statement runs: its settings are applied even when the statement then fails. A name
    // the engine does not know was refused with its statement, so nothing of it is left to set back.
    changed.set(conn, new Set(named));
    const back = stale.filter((k) => known.get(k) !== UNKNOWN).map((k) => [k, known.get(k) as string]);
    return back.length === 0 ? settings : { ...Object.fromEntries(back), ...settings };
  };
}
