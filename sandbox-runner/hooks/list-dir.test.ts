import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listDirectory } from './list-dir.js';

describe('listDirectory (the gate lists a directory a build tool walks)', () => {
  const d = mkdtempSync(join(tmpdir(), 'ward-list-'));
  afterAll(() => rmSync(d, { recursive: true, force: true }));

  it('names the entries, directories (and links to them) ending in /', () => {
    mkdirSync(join(d, 'crates/a'), { recursive: true });
    writeFileSync(join(d, 'crates/Cargo.toml'), '');
    symlinkSync(join(d, 'crates/a'), join(d, 'crates/b'));
    symlinkSync(join(d, 'nowhere'), join(d, 'crates/dangling'));
    expect(listDirectory(join(d, 'crates'))).toEqual(['Cargo.toml', 'a/', 'b/', 'dangling']);
  });

  it('is undefined for a file, a missing path, or a directory of more entries than it reads', () => {
    expect(listDirectory(join(d, 'crates/Cargo.toml'))).toBeUndefined();
    expect(listDirectory(join(d, 'missing'))).toBeUndefined();
    mkdirSync(join(d, 'many'));
    for (let i = 0; i < 1025; i++) writeFileSync(join(d, 'many', `f${i}`), '');
    expect(listDirectory(join(d, 'many'))).toBeUndefined();
  });
});
