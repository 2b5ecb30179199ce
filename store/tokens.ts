import { createHash } from 'node:crypto';
import { ROLES, type Role } from '../schema/index.js';
import type { Db } from './db.js';

/** SHA-256 hex of a token: the only form a token is stored in. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export interface TokenRecord {
  name: string;
  role: Role;
  created_at: string;
}

interface TokenRow {
  token_hash: string;
  name: string;
  role: string;
  created_at: string;
  revoked: number;
  version: string | number;
}

// One row per token from all its versions: a revocation is final whatever its version (an instance whose
// clock runs behind the one that created the token must still revoke it), the rest is the latest version.
const tokensView = (table: string, where: string) => `
  SELECT token_hash, argMax(n, v) AS name, argMax(r, v) AS role, min(c) AS created_at, max(x) AS revoked,
         max(v) AS version
  FROM (SELECT token_hash, name AS n, role AS r, created_at AS c, revoked AS x, version AS v
        FROM ${table} WHERE ${where})
  GROUP BY token_hash`;

/** The revoked version of a token row: above every version seen, whatever this instance's clock says. */
function revokedRow(row: TokenRow): Record<string, unknown> {
  return { ...row, revoked: 1, version: Math.max(Date.now(), Number(row.version) + 1) };
}

/** API tokens, hashed at rest. */
export function createTokensRepo(db: Db, database: string) {
  const table = `"${database}".api_tokens`;
  return {
    async add(token: string, name: string, role: Role): Promise<void> {
      await db.insert('tokens.add', 'api_tokens', [
        {
          token_hash: hashToken(token),
          name,
          role,
          created_at: new Date().toISOString(),
          revoked: 0,
          version: Date.now(),
        },
      ]);
    },
    async revoke(token: string): Promise<void> {
      const [row] = await db.query<TokenRow>(
        'tokens.revoke.read',
        tokensView(table, 'token_hash = {h:String}'),
        {
          h: hashToken(token),
        },
      );
      if (!row) return;
      await db.insert('tokens.revoke', 'api_tokens', [revokedRow(row)]);
    },
    /** The token's record, or null when unknown or revoked. */
    async lookup(token: string): Promise<TokenRecord | null> {
      const [row] = await db.query<TokenRow>('tokens.lookup', tokensView(table, 'token_hash = {h:String}'), {
        h: hashToken(token),
      });
      if (!row || Number(row.revoked) !== 0 || !(ROLES as readonly string[]).includes(row.role)) return null;
      return { name: row.name, role: row.role as Role, created_at: row.created_at };
    },
    /** Every live token's metadata (never the token: it is not stored). `id` is a prefix of the hash. */
    async list(): Promise<(TokenRecord & { id: string })[]> {
      const rows = await db.query<TokenRow>(
        'tokens.list',
        `${tokensView(table, '1')} HAVING revoked = 0 ORDER BY created_at`,
      );
      return rows.map((r) => ({
        id: r.token_hash.slice(0, 16),
        name: r.name,
        role: r.role as Role,
        created_at: r.created_at,
      }));
    },
    /** Revokes by the id shown in list() (8+ hex digits); the revoked token's record, or null when none matches. */
    async revokeById(id: string): Promise<(TokenRecord & { id: string }) | null> {
      const rows = await db.query<TokenRow>(
        'tokens.revoke-by-id.read',
        `${tokensView(table, 'startsWith(token_hash, {id:String})')} HAVING revoked = 0`,
        { id },
      );
      const [row] = rows;
      if (!row || rows.length !== 1 || id.length < 8) return null;
      await db.insert('tokens.revoke-by-id', 'api_tokens', [revokedRow(row)]);
      return {
        id: row.token_hash.slice(0, 16),
        name: row.name,
        role: row.role as Role,
        created_at: row.created_at,
      };
    },
    /** Those of `hashes` (token hashes) that are revoked: what another instance's cache must drop. */
    async revokedAmong(hashes: readonly string[]): Promise<string[]> {
      if (hashes.length === 0) return [];
      const rows = await db.query<{ token_hash: string }>(
        'tokens.revoked-among',
        `SELECT DISTINCT token_hash FROM ${table} WHERE token_hash IN {h:Array(String)} AND revoked = 1`,
        { h: hashes },
      );
      return rows.map((r) => r.token_hash);
    },
    async count(): Promise<number> {
      const [row] = await db.query<{ n: string }>(
        'tokens.count',
        `SELECT count() AS n FROM (${tokensView(table, '1')} HAVING revoked = 0)`,
      );
      return Number(row?.n ?? 0);
    },
  };
}
export type TokensRepo = ReturnType<typeof createTokensRepo>;
