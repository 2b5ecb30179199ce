import { addColumns, type DdlContext } from '../ddl.js';
import type { Migration } from './types.js';

// When the store received the event a sighting came from. A token's own earlier sessions make a value familiar to
// its later ones only when they arrived well before the later session began: an agent holding the token can send
// fake sessions (with any claimed time) only while it runs. Rows written before this column read as received now
// (the default is computed when read, or when a merge writes it), never earlier than they truly arrived.
function statements(ctx: DdlContext): string[] {
  return addColumns(ctx, 'analyzer_sightings', ["received DateTime64(3, 'UTC') DEFAULT now64(3)"]);
}

export const migration: Migration = { id: 68, name: 'sighting received time', statements };
