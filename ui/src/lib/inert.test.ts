import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hasHiddenCharacters, inertSegments, inertString, markerFor } from './inert.js';

// Characters that change how text reads or renders: none may survive into what the page shows.
// biome-ignore lint/complexity/useRegexLiterals: a literal would hold the control characters linters flag.
const DANGEROUS = new RegExp(
  String.raw`[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]|[\u{e0000}-\u{e007f}]`,
  'u',
);

describe('inert text', () => {
  it('shows ANSI escapes, bidi overrides, zero-width and tag characters as visible markers', () => {
    expect(inertString('\u001b[31mred\u001b[0m')).toBe('\\x1b[31mred\\x1b[0m');
    expect(inertString('invoice\u202Etxt.exe')).toBe('invoiceU+202Etxt.exe');
    expect(inertString('a\u2066b\u2069c')).toBe('aU+2066bU+2069c');
    expect(inertString('zero\u200bwidth')).toBe('zeroU+200Bwidth');
    expect(inertString('tag\u{E0041}\u{E0042}')).toBe('tagU+E0041U+E0042');
    expect(inertString('cr\rlf')).toBe('cr\\rlf');
    expect(inertString('bell\u0007')).toBe('bell\\x07');
    expect(inertString('lone\ud800x')).toBe('loneU+D800x');
  });

  it('keeps ordinary text, tabs, newlines, emoji and other scripts as they are', () => {
    for (const s of ['ls -la\n\tcat x', 'echo 😀 héllo', 'שלום عربي', '<script>alert(1)</script>'])
      expect(inertString(s)).toBe(s);
    expect(hasHiddenCharacters('plain')).toBe(false);
    expect(hasHiddenCharacters('a\u202eb')).toBe(true);
  });

  it('names what each marker stands for', () => {
    const seg = inertSegments('x\u202ey')[1];
    expect(seg).toEqual({ kind: 'ctrl', text: 'U+202E', title: 'right-to-left override' });
    expect(markerFor('\u001b')).toBe('\\x1b');
  });

  it('never lets a dangerous character through, whatever the input (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (s) => {
        const shown = inertString(s);
        expect(DANGEROUS.test(shown)).toBe(false);
        // Every character of the input is either kept or replaced by exactly one marker, in order.
        const segs = inertSegments(s);
        expect(
          segs
            .filter((x) => x.kind === 'text')
            .map((x) => x.text)
            .join(''),
        ).toBe([...s].filter((ch) => !hasHiddenCharacters(ch)).join(''));
      }),
    );
  });
});
