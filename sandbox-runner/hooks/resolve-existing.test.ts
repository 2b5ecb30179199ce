import { mkdirSync, mkdtempSync, realpathSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveExisting } from './resolve-existing.js';

describe('where a path really leads', () => {
  it('follows links in the existing prefix, dangling links, and keeps the missing tail', () => {
    const root = realpathSync(mkdtempSync(join(tmpdir(), 'ward-resolve-')));
    mkdirSync(join(root, 'home', '.ssh'), { recursive: true });
    mkdirSync(join(root, 'ws'));
    symlinkSync(join(root, 'home', '.ssh'), join(root, 'ws', 'k'));
    symlinkSync(join(root, 'home', '.bashrc'), join(root, 'ws', 'rc'));
    symlinkSync(join(root, 'ws', 'k'), join(root, 'ws', 'k2'));
    expect(resolveExisting(join(root, 'ws', 'k', 'id_rsa'))).toBe(join(root, 'home', '.ssh', 'id_rsa'));
    expect(resolveExisting(join(root, 'ws', 'k2', 'a', 'b'))).toBe(join(root, 'home', '.ssh', 'a', 'b'));
    expect(resolveExisting(join(root, 'ws', 'rc'))).toBe(join(root, 'home', '.bashrc'));
    expect(resolveExisting(join(root, 'ws', 'new.txt'))).toBe(join(root, 'ws', 'new.txt'));
    symlinkSync('loop', join(root, 'ws', 'loop'));
    expect(resolveExisting(join(root, 'ws', 'loop', 'x'))).toBeUndefined();
  });
});
