/**
 * Messages between the main thread and the embedded-engine worker (store/engine/worker.ts). Two lanes: the
 * interactive lane (API, approvals, hooks, analyzer: every query, command and small insert) runs at once on
 * its own engine connection; the bulk lane (ingest payloads) runs one insert at a time on another, so a
 * query never waits behind an insert.
 */

/** Settings passed with a statement (sent as SET by the engine connection). */
export type EngineSettings = Record<string, string | number | boolean>;

/** A statement on the interactive lane, shaped as @clickhouse/client hands it to its connection. */
export interface InteractiveRequest {
  id: number;
  op: 'query' | 'command' | 'exec' | 'insert';
  query: string;
  params?: Record<string, unknown>;
  settings?: EngineSettings;
  queryId?: string;
  /** insert/exec: the body (JSONEachRow text), materialized on the main thread. */
  values?: string;
  /** Background work (store/engine/lanes.ts): runs after every foreground statement already waiting. */
  background?: boolean;
  /** The approval path (store/engine/lanes.ts): runs on its own engine connection, ahead of the rest. */
  approval?: boolean;
}

/** An ingest payload for the bulk lane, as the store hands it over. */
export interface BulkInsert {
  /** Database-qualified table (plain identifiers, checked on both sides). */
  table: string;
  /** RowBinary payloads follow the table's layout in store/rowbinary/tables.ts. */
  format: 'JSONEachRow' | 'RowBinary';
  payload: Uint8Array;
  settings: EngineSettings;
}

/**
 * An ingest payload on the bulk lane. A RowBinary payload travels as the name of a file in the engine's private
 * directory (store/engine/payload-files.ts), a JSONEachRow one as the bytes.
 */
export type BulkRequest = { id: number; op: 'bulk'; table: string; settings: EngineSettings } & (
  | { format: 'JSONEachRow'; payload: Uint8Array }
  | { format: 'RowBinary'; file: string }
);

/** ping; close (drain, then close the connections); crash (a drill: the worker fails as a bug would make it). */
export interface ControlRequest {
  id: number;
  op: 'ping' | 'close' | 'crash';
}

export type EngineRequest = InteractiveRequest | BulkRequest | ControlRequest;

/** An engine error, carried as data across the thread boundary. */
export interface EngineErrorData {
  message: string;
  code?: string;
  type?: string;
}

export type EngineReply =
  | { id: number; ok: true; bytes?: Uint8Array }
  | { id: number; ok: false; error: EngineErrorData };

/** What the worker is started with. */
export interface EngineWorkerData {
  /** The engine's data directory. */
  path: string;
  /** Private directory for RowBinary payload files (read back by the engine's file()). */
  tmpDir: string;
}

/** Id of the worker's first message: the engine is open (or could not be). */
export const READY_ID = 0;

/** Plain identifiers only: table and column names enter SQL text, so nothing else may. */
export const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
