import { describe, expect, it } from 'vitest';
import { createGate, loadPolicy } from '../gate/index.js';

/**
 * Red team: an MCP query tool (`mcp__postgres__query`) is read-only by its verb; destructive SQL in its
 * argument asks. The rule matched `DELETE FROM t` and `UPDATE t SET` only with a bare table name and a WHERE
 * anywhere later, so a schema-qualified or quoted table, a comment, or an always-true WHERE emptied a table
 * with no finding.
 */
const gate = async () =>
  createGate({ policy: await loadPolicy({ inline: {} }), workspace: '/home/dev/project' });
const query = (sql: string) => ({ command: sql, tool: 'mcp__postgres__query', toolInput: { sql } });

describe('red team: destructive SQL through an MCP query tool', () => {
  it('asks for every spelling that deletes or rewrites every row', async () => {
    const g = await gate();
    for (const sql of [
      'DELETE FROM public.users',
      'DELETE FROM "users"',
      'DELETE FROM users WHERE 1=1',
      'delete from users where (true)',
      'delete from users -- cleanup',
      'DROP/**/TABLE users',
      'UPDATE public.users SET admin = true',
      "UPDATE t SET a = 1 WHERE 'a'='a'",
      'DELETE FROM users RETURNING id',
      "SELECT '--'; DROP TABLE x",
      'DELETE FROM logs; SELECT * FROM users WHERE id = 1',
    ]) {
      const d = g.decide(query(sql));
      expect(d.decision, sql).not.toBe('allow');
      expect(
        d.reasons.map((r) => r.rule_id),
        sql,
      ).toContain('tool.mcp-destroy');
    }
  });

  it('everyday queries and narrow changes stay allowed', async () => {
    const g = await gate();
    for (const sql of [
      'SELECT * FROM users WHERE id = 1',
      'DELETE FROM sessions WHERE expires_at < now()',
      'UPDATE users SET name = $1 WHERE id = $2',
      "INSERT INTO notes VALUES ('x')",
    ])
      expect(g.decide(query(sql)).decision, sql).toBe('allow');
  });
});
