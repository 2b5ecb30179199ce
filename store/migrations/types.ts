import type { DdlContext } from '../ddl.js';

/** A numbered schema change. Statements must be idempotent (IF NOT EXISTS) so a re-run is harmless. */
export interface Migration {
  id: number;
  name: string;
  statements(ctx: DdlContext): string[];
}
