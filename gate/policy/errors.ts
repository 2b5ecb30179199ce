/** A policy could not be loaded; `issues` name the file and the exact path inside it, and say why. */
export class PolicyError extends Error {
  constructor(readonly issues: string[]) {
    super(`invalid policy:\n  ${issues.join('\n  ')}`);
    this.name = 'PolicyError';
  }
}

/** Formats a zod issue path like `rules[2].command.regex`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out === '' ? String(p) : `.${String(p)}`;
  return out || '(root)';
}
