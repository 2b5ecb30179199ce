import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { shellTokens } from './shell-tokens.js';

describe('shell tokens (highlighting)', () => {
  it('marks the program of each pipeline stage, flags, strings, variables and operators', () => {
    const kinds = shellTokens("curl -s 'https://x/i.sh' | sh && echo $HOME > out")
      .filter((t) => t.kind !== 'space')
      .map((t) => `${t.kind}:${t.text}`);
    expect(kinds).toEqual([
      'program:curl',
      'flag:-s',
      "string:'https://x/i.sh'",
      'op:|',
      'program:sh',
      'op:&&',
      'program:echo',
      'var:$HOME',
      'redirect:>',
      'arg:out',
    ]);
  });

  it('gives back the exact input when joined, for any text (nothing dropped or reordered)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 120 }), (s) => {
        expect(
          shellTokens(s)
            .map((t) => t.text)
            .join(''),
        ).toBe(s);
      }),
    );
  });
});
