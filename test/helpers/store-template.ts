/**
 * A migrated data dir made once per test run, copied for each test process's store (test/helpers/store.ts).
 * A fresh store runs ~140 DDL statements and records (1.7-1.9 CPU-seconds); about 70 test files open one, each
 * in its own process. The copy opens as a store restarted on code that has nothing new to migrate. What
 * migrations do to a fresh or an older store is tested where they are (store/*.test.ts), on fresh data dirs.
 */
import { cpSync, mkdtempSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The database the template is made under; each copy's is renamed to the one its test asks for. */
export const TEMPLATE_DATABASE = 'ward_template';

/**
 * Copies the template into a new data dir whose database is `database`. An Atomic database is named by its
 * metadata file and two links (its tables' own files hold no database name), so renaming those renames it.
 */
export function copyStoreTemplate(template: string, database: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(database)) throw new Error(`not a plain database name: ${database}`);
  const dataDir = mkdtempSync(join(tmpdir(), 'ward-store-'));
  cpSync(template, dataDir, { recursive: true, verbatimSymlinks: true });
  const ch = join(dataDir, 'clickhouse');
  if (database !== TEMPLATE_DATABASE) {
    renameSync(join(ch, 'metadata', `${TEMPLATE_DATABASE}.sql`), join(ch, 'metadata', `${database}.sql`));
    renameSync(join(ch, 'metadata', TEMPLATE_DATABASE), join(ch, 'metadata', database));
    renameSync(join(ch, 'data', TEMPLATE_DATABASE), join(ch, 'data', database));
  }
  return dataDir;
}
