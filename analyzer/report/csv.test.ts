import { describe, expect, it } from 'vitest';
import { csvCell } from './csv.js';

describe('csvCell: no cell a spreadsheet reads as a formula', () => {
  it('quotes = + - @ first, also after spaces and in full-width forms', () => {
    expect(csvCell('=1+1')).toBe(`'=1+1`);
    expect(csvCell(' =HYPERLINK("http://x")')).toBe(`"' =HYPERLINK(""http://x"")"`);
    expect(csvCell('\uFF1D1+1')).toBe(`'\uFF1D1+1`);
    expect(csvCell('\u3000@SUM(A1)')).toBe(`'\u3000@SUM(A1)`);
    expect(csvCell('a = b')).toBe('a = b');
  });
});
