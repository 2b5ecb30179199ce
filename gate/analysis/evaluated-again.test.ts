import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arithmeticOpener, quotedSubstitutionAfter, subscriptSubstitution } from './evaluated-again.js';

// The linear scans replace regular expressions that were quadratic on hostile text; on every text they must
// answer as those expressions did.
const QUOTED_IN_ARITHMETIC = /(?:\(\(|\$\[|\w\[)[^)\]']*'[^']*(?:\$\(|`)/;
const QUOTED_IN_BRACES = /\$\{[^}]*'[^']*(?:\$\(|`)/;
const SUBSCRIPT_SUBSTITUTION = /\w\[[^\]]*(?:\$\(|`)/;

const braces = (s: string, i: number) => (s[i] === '$' && s[i + 1] === '{' ? 2 : 0);
const text = fc
  .array(fc.constantFrom('(', ')', '[', ']', '{', '}', '$', "'", '`', 'a', '_', ' ', '-', '"', '\n'), {
    maxLength: 40,
  })
  .map((cs) => cs.join(''));

describe('evaluated-again scans', () => {
  it('answer as the regular expressions they replace, on any text', () => {
    fc.assert(
      fc.property(text, (s) => {
        expect(quotedSubstitutionAfter(s, arithmeticOpener, ')]'), s).toBe(QUOTED_IN_ARITHMETIC.test(s));
        expect(quotedSubstitutionAfter(s, braces, '}', true), s).toBe(QUOTED_IN_BRACES.test(s));
        expect(subscriptSubstitution(s), s).toBe(SUBSCRIPT_SUBSTITUTION.test(s));
      }),
      { numRuns: 50_000 },
    );
  });

  it('answer for the documented forms', () => {
    expect(quotedSubstitutionAfter("(( '$(id)' ))", arithmeticOpener, ')]')).toBe(true);
    expect(quotedSubstitutionAfter("a['$(id)']", arithmeticOpener, ')]')).toBe(true);
    expect(quotedSubstitutionAfter("echo '$(id)'", arithmeticOpener, ')]')).toBe(false);
    expect(quotedSubstitutionAfter("${x:-'a' '$(id)'}", braces, '}', true)).toBe(true);
    expect(quotedSubstitutionAfter("${x} '$(id)'", braces, '}', true)).toBe(false);
    expect(subscriptSubstitution('a[$(id)]')).toBe(true);
    expect(subscriptSubstitution('a[1] $(id)')).toBe(false);
  });
});
