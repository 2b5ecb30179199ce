import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { envShebang } from './hook-command.js';

const dir = mkdtempSync(join(tmpdir(), 'ward-shebang-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the program a `ward` script names with env', () => {
  it('reads a script’s #!/usr/bin/env line', () => {
    writeFileSync(join(dir, 'ward'), '#!/usr/bin/env -S node --no-warnings\nconsole.log(1)\n');
    expect(envShebang(join(dir, 'ward'))).toEqual({ program: 'node', args: ['--no-warnings'] });
  });

  it('does not wait on a named pipe put on PATH in its place (it waited for a writer for ever)', () => {
    execFileSync('mkfifo', [join(dir, 'fifo-ward')]);
    expect(envShebang(join(dir, 'fifo-ward'))).toBeNull();
  });
});
