import { describe, expect, it } from 'vitest';
import { forParser } from './parser-input.js';

describe('shell text as the grammar must read it', () => {
  it('leaves text without a backslash or a dollar as it is', () => {
    for (const t of ['npm test', "echo 'a b' | wc -l", 'ls -la # list']) expect(forParser(t)).toBe(t);
  });

  it('joins line continuations outside single quotes, comments and quoted here-documents', () => {
    expect(forParser('echo a\\\nb')).toBe('echo ab');
    expect(forParser('echo "a\\\nb"')).toBe('echo "ab"');
    expect(forParser("echo 'a\\\nb'")).toBe("echo 'a\\\nb'");
    expect(forParser("echo $'a\\\nb'")).toBe("echo 'a\\\nb'"); // $'…' as its decoded value
    expect(forParser('echo a # c \\\necho b')).toBe('echo a # c \\\necho b');
    expect(forParser("cat <<'EOF'\na\\\nb\nEOF")).toBe("cat <<'EOF'\na\\\nb\nEOF");
    expect(forParser('cat <<EOF\na\\\nb\nEOF')).toBe('cat <<EOF\nab\nEOF');
  });

  it('quotes an escaped carriage return so that the newline after it ends the command', () => {
    expect(forParser('echo hi\\\r\nls')).toBe("echo hi'\r'\nls");
  });

  it('escapes a bare dollar in code only', () => {
    expect(forParser('nice $ ls')).toBe('nice \\$ ls');
    expect(forParser('$ "ls"')).toBe('\\$ "ls"');
    expect(forParser('echo "$ 5" $$ $HOME $(date) ${x} $((1+2))')).toBe(
      'echo "$ 5" $$ $HOME $(date) ${x} $((1+2))',
    );
    expect(forParser("echo hi # don't\nnice $ ls")).toBe("echo hi # don't\nnice \\$ ls");
    expect(forParser("cat <<EOF\ndon't $\nEOF\nnice $ ls")).toBe("cat <<EOF\ndon't $\nEOF\nnice \\$ ls");
  });

  it('reads << in arithmetic as a shift, not a here-document', () => {
    expect(forParser('echo $((1 << 2))\nnice $ ls')).toBe('echo $((1 << 2))\nnice \\$ ls');
    expect(forParser('((x = 1 << 2))\nnice $ ls')).toBe('((x = 1 << 2))\nnice \\$ ls');
  });

  it('puts a blank before a backslash that starts a line', () => {
    expect(forParser('echo hi\n\\cat f')).toBe('echo hi\n \\cat f');
  });
});
