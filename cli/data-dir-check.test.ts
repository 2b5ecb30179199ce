import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dataDirProblem, gitTopLevel } from './data-dir-check.js';

describe('dataDirProblem', () => {
  const base = mkdtempSync('/var/tmp/ward-datadir-');
  const repo = join(base, 'repo');
  mkdirSync(join(repo, '.git'), { recursive: true });
  mkdirSync(join(repo, 'src/deep'), { recursive: true });
  afterAll(() => rmSync(base, { recursive: true, force: true }));

  it('finds the work tree from any directory in it', () => {
    expect(gitTopLevel(join(repo, 'src/deep'))).toBe(repo);
    expect(gitTopLevel(base)).toBeUndefined();
  });

  it('refuses a data dir an agent in the work tree could reach under a name runners do not hide', () => {
    expect(dataDirProblem(join(repo, 'src/deep/.ward-data'))).toMatch(/inside the git work tree/);
    expect(dataDirProblem(join(repo, 'ward-store'))).toMatch(/--allow-data-in-workspace/);
  });

  it('accepts a data dir outside any work tree, or .ward-data at its top', () => {
    expect(dataDirProblem(join(base, 'data'))).toBeNull();
    expect(dataDirProblem(join(repo, '.ward-data'))).toBeNull();
  });
});
