/**
 * A value with every string in it made well-formed UTF-16 (a lone surrogate becomes U+FFFD, as UTF-8 encoding
 * makes it anyway). ClickHouse refuses a JSONEachRow row holding an escaped lone surrogate, so a request whose
 * text carries one would fail to store instead of being stored as its UTF-8 form. Copies only what changes.
 */
/** ES2024 string methods (Node 20 has them; the project's TypeScript lib predates them). */
interface Es2024String {
  isWellFormed(): boolean;
  toWellFormed(): string;
}

export function wellFormed<T>(value: T): T {
  if (typeof value === 'string') {
    const s = value as unknown as Es2024String;
    return (s.isWellFormed() ? value : s.toWellFormed()) as T;
  }
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    value.forEach((v, i) => {
      const w = wellFormed(v);
      if (w !== v) {
        out ??= [...value];
        out[i] = w;
      }
    });
    return (out ?? value) as T;
  }
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    let out: Record<string, unknown> | undefined;
    for (const [k, v] of Object.entries(value)) {
      const w = wellFormed(v);
      const key = wellFormed(k);
      if (w !== v || key !== k) {
        out ??= { ...(value as Record<string, unknown>) };
        if (key !== k) delete out[k];
        out[key] = w;
      }
    }
    return (out ?? value) as T;
  }
  return value;
}
