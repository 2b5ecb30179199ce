import { describe, expect, it } from 'vitest';
import { defaultGate, expectAllowed, expectNotAllowed } from './helpers/gate.js';

/**
 * Red team: find's new handler judges a search that names secrets files (`-name .env`) and hands them to a
 * reader, but only inside the project; started above it (`..`, `~`, /home) the same search read every other
 * project's .env with no finding at all.
 */
const gate = defaultGate;

describe('red team: find handing other projects’ secrets files to a reader', () => {
  it('is not allowed when started above the project', async () => {
    const g = await gate();
    for (const cmd of [
      'find .. -name .env -exec cat {} +',
      'find ~ -name .env -exec cat {} +',
      "find ../ -name '.env*' -exec head -100 {} +",
      'find /home/dev -name .env -exec grep -H . {} +',
      'find .. -name .env -print0 | xargs -0 cat',
    ]) {
      const d = g.decide({ command: cmd });
      expect(d.decision, cmd).not.toBe('allow');
      expect(
        d.reasons.map((r) => r.rule_id),
        cmd,
      ).toContain('read.secret-tree');
    }
  });

  it('listing them, or reading ordinary files found above the project, stays as it was', async () => {
    const g = await gate();
    for (const cmd of [
      "find .. -name '*.md' -exec cat {} +",
      'find .. -name package.json -exec head -5 {} +',
    ])
      expect(
        g.decide({ command: cmd }).reasons.map((r) => r.rule_id),
        cmd,
      ).not.toContain('read.secret-tree');
  });

  // Was a gap: a secrets file of another project named directly was an `outside` (or home) read, allowed
  // without a finding, while the glob `cat ../*/.env` asked.
  it('cat of another project’s secrets file is not allowed; its template and its other files are', async () => {
    const g = await gate();
    for (const cmd of [
      'cat ../other/.env',
      'head -50 /home/dev/other/.env.production',
      'less ../api/config/credentials.json',
      'cat /mnt/work/app/.env',
      'grep TOKEN ../other/.env.local',
    ]) {
      const d = g.decide({ command: cmd });
      expect(d.decision, cmd).not.toBe('allow');
      expect(
        d.reasons.some((r) => r.rule_id === 'read.project-secret' || r.rule_id === 'read.secret'),
        cmd,
      ).toBe(true);
    }
    for (const cmd of ['cat ../other/.env.example', 'cat ../other/README.md', 'ls -la ../other'])
      expect(
        g.decide({ command: cmd }).reasons.map((r) => r.rule_id),
        cmd,
      ).not.toContain('read.project-secret');
  });

  // Was a gap: the file found reaches the reader as `sh -c`'s positional parameter, which the trial run of the
  // handed command did not bind, so nothing read.
  it('find -name .env handing the files to sh -c is not allowed, in the project and above it', async () => {
    const g = await gate();
    expectNotAllowed(g, [
      'find . -name .env -exec sh -c \'cat "$1"\' _ {} \\;',
      'find .. -name .env -exec sh -c \'cat "$1"\' _ {} \\;',
      'find ~ -name .env -exec sh -c \'grep -H . "$@"\' sh {} +',
    ]);
    // The same shape over ordinary files stays allowed.
    expect(g.decide({ command: 'find . -name "*.md" -exec sh -c \'wc -l "$1"\' _ {} \\;' }).decision).toBe(
      'allow',
    );
  });

  // Was a gap: the file found reached the reader through the variable of a `while read` loop fed by the pipe.
  it('find -name .env piped into a read loop that reads each file is not allowed', async () => {
    const g = await gate();
    expectNotAllowed(g, [
      'find .. -name .env | while read f; do cat "$f"; done',
      'find . -name \'.env*\' | while IFS= read -r f; do cat "$f"; done',
      'find ~ -name .env -print | while read -r path; do grep -H . "$path"; done',
      // The same with another producer of the paths (found by playing the attacker against the fix).
      'ls ../*/.env | while read f; do cat "$f"; done',
      'echo ../other/.env | while read f; do cat "$f"; done',
    ]);
    expectAllowed(g, [
      'find . -name "*.md" | while read f; do wc -l "$f"; done',
      'find .. -name .env | while read f; do echo "$f"; done',
      'ls ../*/README.md | while read f; do cat "$f"; done',
    ]);
  });

  // Was a gap: `for f; do …` loops over sh -c's positional parameters.
  it('find -exec bash -c looping over its parameters is not allowed', async () => {
    const g = await gate();
    expectNotAllowed(g, [
      'find .. -name .env -exec bash -c \'for f; do head "$f"; done\' _ {} +',
      'find . -name .env -exec sh -c \'for f do cat "$f"; done\' sh {} +',
    ]);
    const plain = 'find . -name "*.ts" -exec sh -c \'for f; do wc -l "$f"; done\' _ {} +';
    expect(g.decide({ command: plain }).decision, plain).toBe('allow');
  });
});
