import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseGitConfig } from './git-config-text.js';

const dir = mkdtempSync(join(tmpdir(), 'ward-git-config-text-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** What git itself lists for `text`, as key and value pairs; undefined when git refuses the file. */
function gitReads(text: string): { key: string; value: string }[] | undefined {
  const file = join(dir, 'config');
  writeFileSync(file, text);
  try {
    const out = execFileSync('git', ['config', '--file', file, '--list', '--null'], {
      env: { PATH: '/usr/bin:/bin' },
      stdio: 'pipe',
    }).toString();
    return out
      .split('\0')
      .filter((e) => e !== '')
      .map((e) => {
        const nl = e.indexOf('\n');
        return nl < 0 ? { key: e, value: 'true' } : { key: e.slice(0, nl), value: e.slice(nl + 1) };
      });
  } catch {
    return undefined;
  }
}

const TEXTS = [
  '[core]\n\tpager = less -R\n',
  '[core] pager = x\n[Core]\n\tEditor=vim\n',
  '[core]\n\tfsmonitor\n\tbare = false\n',
  '[core]\n\tpager = "a  b" ; c\n\teditor = a  b   # c\n',
  '[core]\n\tpager = a\\\n b\n',
  '[core]\n\tpager = "x\\"y\\\\z\\tw"\n',
  '[filter "Lfs"]\n\tclean = git-lfs clean -- %f\n[branch.Main]\n\tremote = origin\n',
  '[remote "a\\"b"]\n\turl = u\n',
  '\ufeff[core]\r\n\tpager = p\r\n',
  '# comment\n; another\n[core]\n\tpager =\n\teditor = "" \n',
  '[core]\n\tpager = "unterminated\n',
  '[core]\n\tpager = bad\\q\n',
  'pager = nosection\n',
  '[core\n\tpager = x\n',
  '[a "b" "c"]\n\tk = v\n',
  '[core]\n\t2pager = x\n',
];

describe('git configuration text read as git reads it', () => {
  it.each(TEXTS.map((t) => [JSON.stringify(t), t]))('%s', (_shown, text) => {
    const git = gitReads(text);
    const ours = parseGitConfig(text);
    // Where git refuses a file, the gate may not take it as anything else; where git reads it, the same entries.
    if (git === undefined) expect(ours).toBeUndefined();
    else expect(ours).toEqual(git);
  });
});
