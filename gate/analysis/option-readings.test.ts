import { describe, expect, it } from 'vitest';
import { matchPath, optionTable, readWords } from './option-readings.js';

const table = optionTable('--region --profile -u -z -o', '--recursive -r -m -n');
const roles = (args: string[], stopAtOperand = false) =>
  readWords(args, [table], { stopAtOperand }).map((w) => `${w.word}:${w.role}`);

describe('words read as the program reads them', () => {
  it('an option that takes a value hides its value from the operands, written either way', () => {
    expect(roles(['cp', 'a', '--region', 'eu', 'b', '--profile=x'])).toEqual([
      'cp:operand',
      'a:operand',
      'eu:value',
      'b:operand',
      'x:value',
    ]);
  });

  it('a flag hides nothing; a cluster ends at its first letter that takes a value', () => {
    expect(roles(['-rn', 'a', '-mu', 'proj', 'b', '-zjs', 'c'])).toEqual([
      'a:operand',
      'proj:value',
      'b:operand',
      'js:value',
      'c:operand',
    ]);
  });

  it('the word after an option the table does not know is read both ways', () => {
    expect(roles(['a', '--future', 'b', '--other', '--recursive', 'c', '-Q', 'd'])).toEqual([
      'a:operand',
      'b:either',
      'c:operand',
      'd:either',
    ]);
  });

  it('after `--`, or after the first operand for a getopt program, every word is an operand', () => {
    expect(roles(['--', '--region', 'x'])).toEqual(['--region:operand', 'x:operand']);
    expect(roles(['-r', 'a', '--region', 'x'], true)).toEqual(['a:operand', '--region:operand', 'x:operand']);
  });

  it('a subcommand path is found past option values, a maybe-value skipped as one', () => {
    const path = [/^s3$/, /^cp$/];
    const at = (args: string[]) => matchPath(readWords(args, [table]), path);
    expect(at(['--region', 'eu', '--profile', 'p', 's3', 'cp', 'a', 'b'])).toBe(6);
    expect(at(['--future', 'x', 's3', 'cp', 'a', 'b'])).toBe(4);
    expect(at(['--future', 's3', 'cp'])).toBe(3);
    expect(at(['s3', 'ls', 'cp'])).toBe(-1);
    expect(at(['--region', 's3', 'cp'])).toBe(-1);
  });
});
