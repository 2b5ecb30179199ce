import type { EngineSettings } from './protocol.js';

/** Reads the engine's defaults of the named settings (`system.settings`), as text, on the connection given. */
export type ReadDefaults<C> = (conn: C, names: readonly string[]) => Promise<Map<string, string>>;

/**
 * chDB keeps the settings a statement sends (as `SET …;` before it) on its connection for every statement
 * after it. So an insert that names no deduplication token inherits the last one given on that connection,
 * and a table with a deduplication window then drops its rows as a repeat, after the insert reported success.
 * This keeps, per connection, which settings the last statement changed; a statement that does not name one
 * of them sets it back to the engine's default first. Defaults are read once per name.
 */
export function createSettingsReset<C extends object>(readDefaults: ReadDefaults<C>) {
  const changed = new WeakMap<C, ReadonlySet<string>>();
  const known = new Map<string, string>();
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
      for (const k of missing) {
        const d = read.get(k);
        if (d === undefined) throw new Error(`the engine has no setting ${JSON.stringify(k)} to set back`);
        known.set(k, d);
      }
    }
    // Recorded before the statement runs: its settings are applied even when the statement then fails.
    changed.set(conn, new Set(named));
    return { ...Object.fromEntries(stale.map((k) => [k, known.get(k) as string])), ...settings };
  };
}
