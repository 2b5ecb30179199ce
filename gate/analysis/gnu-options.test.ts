import { describe, expect, it } from 'vitest';
import { gnuArgs } from './gnu-options.js';

describe('GNU programs’ arguments spelled out', () => {
  it('expands a long option’s unambiguous prefix, with or without its value attached', () => {
    expect(gnuArgs('sort', ['--out', 'F', 'in'])).toEqual(['--output', 'F', 'in']);
    expect(gnuArgs('sort', ['--o=F', 'in'])).toEqual(['--output=F', 'in']);
    expect(gnuArgs('uniq', ['--skip-f', '1', 'in', 'out'])).toEqual(['--skip-fields', '1', 'in', 'out']);
    expect(gnuArgs('iconv', ['-f', 'latin1', '--outp=F'])).toEqual(['-f', 'latin1', '--output=F']);
  });

  it('leaves an ambiguous prefix (getopt refuses it), a full name, and programs without a spec as they are', () => {
    expect(gnuArgs('sort', ['--r', 'in'])).toEqual(['--r', 'in']);
    expect(gnuArgs('sort', ['--sort=human'])).toEqual(['--sort=human']);
    expect(gnuArgs('cat', ['--out', 'F'])).toEqual(['--out', 'F']);
  });

  it('takes a value glued to a cluster of flags, and nothing after `--` for a long option', () => {
    expect(gnuArgs('sort', ['-uoF', 'in'])).toEqual(['-u', '-o', 'F', 'in']);
    expect(gnuArgs('shuf', ['-rn3'])).toEqual(['-r', '-n', '3']);
    expect(gnuArgs('sort', ['--', '--out'])).toEqual(['--', '--out']);
  });
});
