import { describe, expect, it } from 'vitest';
import { copiesBuildOutput, isBuildOutputPath } from './build-output.js';
import { NO_FACTS } from './facts.js';

describe('build output, as a copy into a bucket only the session named may send', () => {
  it('a relative folder or file below the working directory', () => {
    for (const p of ['dist', 'dist/', './dist', 'build/index.html', 'public/assets', 'site/_build/html'])
      expect(isBuildOutputPath(p), p).toBe(true);
  });

  it('not the workspace itself, above it, home, absolute, a variable, stdin, another place, hidden or packed', () => {
    for (const p of [
      '.',
      './',
      '..',
      'dist/../..',
      '~',
      '~/photos',
      '/home/dev/src/app/dist',
      '$HOME',
      '"$PWD"/dist',
      '-',
      's3://other',
      'remote:bucket',
      '.env',
      'config/.aws/credentials',
      '.git',
      'dist/site.tgz',
      'build/lambda.zip',
      'out/db.sql',
    ])
      expect(isBuildOutputPath(p), p).toBe(false);
  });

  it('every source, and a command that reads no secret and collects nothing', () => {
    const use = { bucket: 'site', into: true, sources: ['dist', 'public'] };
    expect(copiesBuildOutput(use, NO_FACTS)).toBe(true);
    expect(copiesBuildOutput({ ...use, sources: ['dist', '.'] }, NO_FACTS)).toBe(false);
    expect(copiesBuildOutput({ ...use, sources: [] }, NO_FACTS)).toBe(false);
    expect(copiesBuildOutput(use, { ...NO_FACTS, categories: ['credential-access'] })).toBe(false);
    // More sources than are listed: the ones not listed are not known.
    expect(copiesBuildOutput({ ...use, moreSources: true }, NO_FACTS)).toBe(false);
  });
});
