import type { Db } from '../db.js';
import type { DdlContext } from '../ddl.js';

/** A numbered schema change. Statements must be idempotent (IF NOT EXISTS) so a re-run is harmless. */
export interface Migration {
  id: number;
  name: string;
  /** Every statement of the change (fresh installs, reviews and `EXPLAIN AST` checks). */
  statements(ctx: DdlContext): string[];
  /**
   * The statements to run against this database as it is, when that differs from `statements` (a rebuild that
   * an interrupted earlier run may have finished already). Absent: `statements`.
   */
  plan?(db: Db, ctx: DdlContext): Promise<string[]>;
}
