import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** The top of the git work tree holding `dir` (the nearest ancestor with a `.git`), if any. */
export function gitTopLevel(dir: string): string | undefined {
  for (let d = resolve(dir); ; d = dirname(d)) {
    if (existsSync(join(d, '.git'))) return d;
    if (d === dirname(d)) return undefined;
  }
}

/**
 * Why `ward serve` must not keep its data (admin token, database, spool) here, or null. A git work tree is
 * where agents work: a data dir inside one is readable to an agent Ward only hooks, and writable to a
 * sandbox whose workspace holds it. Allowed there is only `.ward-data` at the top of the work tree, the one
 * place every Ward runner in that tree hides by name; anything else needs `--allow-data-in-workspace`.
 */
export function dataDirProblem(dataDir: string): string | null {
  const abs = resolve(dataDir);
  const top = gitTopLevel(dirname(abs));
  if (top === undefined || abs === join(top, '.ward-data')) return null;
  return `refusing data dir ${abs}: it is inside the git work tree ${top}, where agents work (they could read the admin token or plant spool files). Use --data ~/.ward-data (or WARD_DATA_DIR) or ${join(top, '.ward-data')}, or pass --allow-data-in-workspace`;
}
