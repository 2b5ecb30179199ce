import { addColumns, type DdlContext } from '../ddl.js';
import type { Migration } from './types.js';

// Who asked, as a credential rather than a name: the id (hash prefix) of the token that requested an
// approval. It decides who may see the request (its runner), who may never decide it (that same token) and
// whose runs a grant made from it covers (requests by that token only: another runner naming the same
// session or project path gets nothing).
function statements(ctx: DdlContext): string[] {
  return [
    ...addColumns(ctx, 'approvals', ["requester_id String DEFAULT ''"]),
    ...addColumns(ctx, 'grants', ["requester_id String DEFAULT ''"]),
  ];
}

export const migration: Migration = { id: 30, name: 'approval and grant requester binding', statements };
