import type { SimpleCommand } from './script.js';
import { UNKNOWN } from './script.js';

/** Variable names that hold credentials (and the words a filter hunting for them would use). */
export const SECRET_VAR =
  /TOKEN|SECRET|PASS(WORD|WD)?|_KEY\b|KEY_ID|API_?KEY|PRIVATE|CREDENTIAL|AUTH|SESSION|COOKIE|AWS|GH_|GITHUB|NPM_/i;

/**
 * `env | grep ^PATH`: the environment filtered by a static pattern that names no secret shows only that.
 * Anything else downstream (a file, a pager, a pattern built at run time) sees every token in it.
 */
export function filteredHarmlessly(cmd: SimpleCommand): boolean {
  let next = cmd.pipeTo;
  // Reordering stages show nothing more than the filter after them lets through.
  while (next && /^(sort|uniq|cat|tac)$/.test(next.argv[0] ?? '')) next = next.pipeTo;
  if (!next || !/^(grep|egrep|fgrep|rg)$/.test(next.argv[0] ?? '')) return false;
  const pattern = next.argv.slice(1).filter((a) => !a.startsWith('-'));
  if (next.argv.some((a) => /^-[a-zA-Z]*v/.test(a))) return false;
  return pattern.length === 1 && !pattern.some((p) => p.includes(UNKNOWN) || SECRET_VAR.test(p));
}
