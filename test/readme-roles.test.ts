import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readEnv } from '../cli/env.js';
import { createServerHookDecider } from '../cli/hook-endpoint.js';
import { createReportService } from '../cli/report-service.js';
import { startServer, type WardServer } from '../collector/server.js';
import {
  OWN_ROWS_ONLY,
  PERMISSIONS,
  type Permission,
  ROLES,
  ROW_SCOPED_PERMISSIONS,
  roleAllows,
} from '../schema/index.js';

// The README's endpoint and role tables are what operators rely on to hand out tokens: they are read back
// from the code (the running app's routes and the permission table) and must match exactly.

const README = readFileSync(join(import.meta.dirname, '..', 'README.md'), 'utf8');
let server: WardServer;

beforeAll(async () => {
  server = await startServer(
    {
      port: 0,
      dataDir: mkdtempSync(join(tmpdir(), 'ward-readme-')),
      store: { database: 'ward_readme_test' },
    },
    () => {},
    {
      hookDecider: createServerHookDecider(readEnv({ HOME: tmpdir() })),
      reports: createReportService,
      policy: { home: tmpdir(), workspace: tmpdir() },
    },
  );
});
afterAll(async () => {
  await server?.close();
});

/** Rows of the first markdown table whose header starts with `| first |`. */
function table(first: string): string[][] {
  const lines = README.split('\n');
  const start = lines.findIndex((l) => l.startsWith(`| ${first} |`));
  expect(start, `README has a table starting with "| ${first} |"`).toBeGreaterThanOrEqual(0);
  const rows: string[][] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break;
    rows.push(
      line
        .slice(1, -1)
        .split('|')
        .map((c) => c.trim()),
    );
  }
  return rows;
}

/** Every authorized route of the running app: "METHOD /path" -> permission. */
function codeRoutes(): Map<string, string> {
  const out = new Map<string, string>();
  for (const r of server.app.routes) {
    const permission = (r.handler as { permission?: string }).permission;
    if (permission) out.set(`${r.method} ${r.path}`, permission);
  }
  return out;
}

describe('README tables match the code', () => {
  it('the roles table is the permission table, row by row, with runners limited to their own rows', () => {
    const rows = table('permission');
    const header = README.split('\n').find((l) => l.startsWith('| permission | admin'));
    expect(header).toBe(`| permission | ${ROLES.join(' | ')} |`);
    expect(rows.map((r) => r[0]).sort()).toEqual(Object.keys(PERMISSIONS).sort());
    for (const [permission, ...cells] of rows) {
      const expected = ROLES.map((role) =>
        !roleAllows(role, permission as Permission)
          ? ''
          : ROW_SCOPED_PERMISSIONS.includes(permission as Permission) && OWN_ROWS_ONLY.includes(role)
            ? 'own'
            : 'yes',
      );
      expect(cells, `roles of ${permission}`).toEqual(expected);
    }
  });

  it('the endpoint table names every authorized route with the permission the code checks', () => {
    const code = codeRoutes();
    const documented = new Map<string, string>();
    for (const [endpoints = '', permission = ''] of table('endpoint')) {
      for (const m of endpoints.matchAll(/`([A-Z]+ \/[^`]+)`/g)) documented.set(m[1] as string, permission);
    }
    expect(Object.fromEntries(documented)).toEqual(Object.fromEntries(code));
  });
});
