import { describe, expect, it } from 'vitest';
import { bindPositional } from './positional.js';

describe('positional parameters of sh -c', () => {
  it('binds $0, $1, ${2}, $@, $# as the shell would see them', () => {
    expect(bindPositional('cat "$1"', ['_', '/p/.env'])).toBe('cat "/p/.env"');
    expect(bindPositional('cat $1 ${2}', ['_', 'a b', 'c'])).toBe('cat "a b" "c"');
    expect(bindPositional('echo "$0: $@ ($#)"', ['me', 'x', 'y'])).toBe('echo "me: x y (2)"');
    expect(bindPositional('cat "$3"', ['_', 'a'])).toBe('cat ""');
  });

  it('spells out `for f; do` as the loop over the parameters it is', () => {
    expect(bindPositional('for f; do head "$f"; done', ['_', '/p/.env'])).toBe(
      'for f in "/p/.env"; do head "$f"; done',
    );
  });

  it('leaves single quotes, escapes and other variables alone', () => {
    expect(bindPositional("echo '$1' \\$1 $HOME $f", ['_', 'x'])).toBe("echo '$1' \\$1 $HOME $f");
  });

  it('keeps a hostile value one word of data', () => {
    const v = '"; rm -rf / #`id`$(id)\\';
    expect(bindPositional('cat "$1"', ['_', v])).toBe('cat "\\"; rm -rf / #\\`id\\`\\$(id)\\\\"');
  });
});
