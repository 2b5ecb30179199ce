import { existsSync, lstatSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { copyStoreTemplate, TEMPLATE_DATABASE } from './store-template.js';

/** Every path under `dir`, links included (not followed). */
function walk(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    out.push(p);
    if (e.isDirectory()) walk(p, out);
  }
  return out;
}

describe("the tests' store template", () => {
  it('gives each test a store of its own: no link in a copy leads out of it, to the template or elsewhere', () => {
    const template = inject('wardStoreTemplate');
    const copy = copyStoreTemplate(template, 'ward_copy_check');
    const links = walk(copy).filter((p) => lstatSync(p).isSymbolicLink());
    // The Atomic database's own link and one per table.
    expect(links.length).toBeGreaterThan(20);
    for (const link of links) expect(relative(copy, realpathSync(link)).startsWith('..'), link).toBe(false);
    // The database is renamed: its metadata file and links carry the name asked for, none the template's.
    const ch = join(copy, 'clickhouse');
    expect(readFileSync(join(ch, 'metadata', 'ward_copy_check.sql'), 'utf8')).toMatch(
      /^ATTACH DATABASE _ UUID/,
    );
    expect(existsSync(join(ch, 'metadata', TEMPLATE_DATABASE))).toBe(false);
    expect(readdirSync(join(ch, 'data', 'ward_copy_check')).sort()).toEqual(
      readdirSync(join(template, 'clickhouse', 'data', TEMPLATE_DATABASE)).sort(),
    );
  });

  it('takes only a plain database name (it becomes a path)', () => {
    expect(() => copyStoreTemplate(inject('wardStoreTemplate'), '../../etc')).toThrow(
      /not a plain database name/,
    );
  });
});
