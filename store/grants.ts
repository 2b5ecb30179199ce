import { GrantRecord } from '../schema/index.js';
import type { Db } from './db.js';
import { clickhouseTimeToIso } from './rows/common.js';

const COLUMNS =
  'id, created_at, scope, session_id, project, prefix, max_risk, granted_by, reason, approval_id, command, requester_id';

/** grants row as ClickHouse returns it. */
interface GrantRow {
  id: string;
  created_at: string;
  scope: string;
  session_id: string;
  project: string;
  prefix: string[];
  max_risk: number | string;
  granted_by: string;
  reason: string;
  approval_id: string;
  command: string;
  requester_id?: string;
}

function rowToGrant(r: GrantRow): GrantRecord {
  const at = clickhouseTimeToIso(r.created_at);
  return GrantRecord.parse({ ...r, max_risk: Number(r.max_risk), granted_at: at });
}

/** "Always allow" grants as versioned rows (a revocation would insert a new version with revoked = 1). */
export function createGrantsRepo(db: Db, database: string) {
  const table = `"${database}".grants`;
  return {
    async create(g: GrantRecord): Promise<void> {
      // A signature is made when served and never stored.
      const { granted_at, signature: _signed, served_at: _served, ...rest } = g;
      await db.insert('grants.create', 'grants', [
        { ...rest, created_at: granted_at, revoked: 0, version: Date.now() },
      ]);
    },
    /** Revokes a live grant (a new row version); false when there is none with that id. */
    async revoke(id: string): Promise<GrantRecord | null> {
      const rows = await db.query<GrantRow & { revoked: number; version: number | string }>(
        'grants.revoke.read',
        `SELECT ${COLUMNS}, revoked, version FROM ${table} FINAL WHERE id = {id:String} AND revoked = 0`,
        { id },
      );
      const [row] = rows;
      if (!row) return null;
      const { revoked: _r, version, ...rest } = row;
      // Above the live row's version whatever this instance's clock says: a lower one would lose to it.
      const next = Math.max(Date.now(), Number(version) + 1);
      await db.insert('grants.revoke', 'grants', [{ ...rest, revoked: 1, version: next }]);
      return rowToGrant(rest);
    },
    /**
     * Live grants of `session` (scope session) and of `project` (scope project). `requester` (a token id)
     * limits them to grants made from that token's requests: what a runner may use. An empty requester
     * never matches a bound grant, so a caller must pass one for runners.
     */
    async active(q: {
      session: string;
      project: string;
      requester?: string;
      limit?: number;
    }): Promise<GrantRecord[]> {
      const rows = await db.query<GrantRow>(
        'grants.active',
        `SELECT ${COLUMNS} FROM ${table} FINAL
         WHERE revoked = 0
           AND ((scope = 'session' AND {session:String} != '' AND session_id = {session:String})
             OR (scope = 'project' AND {project:String} != '' AND project = {project:String}))
           AND ({any:UInt8} = 1 OR requester_id = {requester:String})
         ORDER BY created_at DESC, id LIMIT {limit:UInt32}`,
        {
          session: q.session,
          project: q.project,
          any: q.requester === undefined ? 1 : 0,
          requester: q.requester ?? '',
          limit: q.limit ?? 500,
        },
      );
      return rows.map(rowToGrant);
    },
  };
}
export type GrantsRepo = ReturnType<typeof createGrantsRepo>;
