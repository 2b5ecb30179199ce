import { addColumns, type DdlContext } from '../ddl.js';
import type { Migration } from './types.js';

// Who sent each event, as a column of its own: the id of the token OTLP ingest stamped on it (an approval's rows
// carry the token that requested it there too), else the hook endpoint's. The analyzer's scoring read takes it
// without reading the attributes map (which holds tool output and dominates the row); rows stored before compute
// it from their attributes when read. Novelty's sightings record it: a value is familiar from what other tokens
// sent, never from what the session's own token sent (an agent holds its runner's token and can send sessions of
// its own making).
const SENDER_EXPRESSION = `if(attributes['ward.ingest.token_id'] != '', attributes['ward.ingest.token_id'],
  attributes['ward.hook.token_id'])`;

function statements(ctx: DdlContext): string[] {
  return [
    ...addColumns(ctx, 'agent_events', [`sender LowCardinality(String) MATERIALIZED ${SENDER_EXPRESSION}`]),
    ...addColumns(ctx, 'analyzer_sightings', ["sender LowCardinality(String) DEFAULT ''"]),
  ];
}

export const migration: Migration = { id: 66, name: 'event sender', statements };
