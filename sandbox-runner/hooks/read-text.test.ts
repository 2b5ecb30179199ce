import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readTextFile } from './read-text.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const dir = () => {
  const d = mkdtempSync(join(tmpdir(), 'ward-read-text-'));
  dirs.push(d);
  return d;
};

describe('readTextFile (the hook reads a script it judges an edit of)', () => {
  it('reads a regular file up to the bound it is given', () => {
    const d = dir();
    writeFileSync(join(d, 'a.sh'), 'x'.repeat(10_000));
    expect(readTextFile(join(d, 'a.sh'), 100_000)).toHaveLength(10_000);
    expect(readTextFile(join(d, 'a.sh'), 64)).toHaveLength(64);
    expect(readTextFile(join(d, 'missing.sh'), 64)).toBeUndefined();
  });

  it('never waits on a FIFO and reads no device, even through a link named like a script', () => {
    const d = dir();
    execFileSync('mkfifo', [join(d, 'run.sh')]);
    // No writer ever opens it: a blocking open or read would hold the hook (and this test) forever.
    expect(readTextFile(join(d, 'run.sh'), 1024)).toBeUndefined();
    symlinkSync('/dev/zero', join(d, 'zero.sh'));
    expect(readTextFile(join(d, 'zero.sh'), 1024)).toBeUndefined();
    expect(readTextFile(d, 1024)).toBeUndefined();
  });
});
