import { addColumns, type DdlContext } from '../ddl.js';
import type { Migration } from './types.js';

// The SHA-256 of an approval's command as the runner sent it: the stored command is redacted, and a signed
// decision must name the exact command the runner will run.
function statements(ctx: DdlContext): string[] {
  return addColumns(ctx, 'approvals', ["command_sha256 String DEFAULT ''"]);
}

export const migration: Migration = { id: 31, name: 'approval command digest', statements };
