import { describe } from 'vitest';
import { behaviourCases } from '../behaviour.case.js';

// Installs whose programs land on the user's PATH, named by the project's files. Written for these tests (none
// is taken from the evaluation set).
describe('installs that put programs on the user’s PATH', () => {
  behaviourCases([
    {
      rule: 'persist.path-program',
      yes: [
        'cargo install --path crates/cli',
        'cargo install --root ~/.local --path .',
        'go install ./cmd/deploy',
        'npm link',
        'npm install --global .',
        'pipx install .',
        'uv tool install ./tools/lint',
        'pip install --user .',
        'gem install ./pkg/tool-1.0.gem',
        'deno install --global -n serve main.ts',
      ],
      no: [
        'cargo install --root ./local --path .',
        'cargo build --release',
        'go build ./cmd/deploy',
        'npm link ../shared-lib',
        'npm install',
        'pip install -e .',
        'deno install',
        'uv tool run ruff check .',
      ],
    },
  ]);
});
