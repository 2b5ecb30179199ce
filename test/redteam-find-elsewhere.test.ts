import { describe, expect, it } from 'vitest';
import { createGate, loadPolicy } from '../gate/index.js';

/**
 * Red team: find's new handler judges a search that names secrets files (`-name .env`) and hands them to a
 * reader, but only inside the project; started above it (`..`, `~`, /home) the same search read every other
 * project's .env with no finding at all.
 */
const gate = async () =>
  createGate({ policy: await loadPolicy({ inline: {} }), workspace: '/home/dev/project' });

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

  // GAP (left open: path zones, not today's find handler): a secrets file of another project named directly
  // is an `outside` read, allowed without a finding, while the glob `cat ../*/.env` asks.
  it.fails('cat of another project’s .env is not allowed', async () => {
    const g = await gate();
    expect(g.decide({ command: 'cat ../other/.env' }).decision).not.toBe('allow');
  });

  // GAP (left open): the file found reaches the reader through a positional parameter or a loop variable,
  // which the trial run of the handed command does not bind, so nothing reads; in the project and above it.
  it.fails('find -name .env handing the files to sh -c, a read loop or node is not allowed', async () => {
    const g = await gate();
    for (const cmd of [
      'find . -name .env -exec sh -c \'cat "$1"\' _ {} \\;',
      'find .. -name .env -exec sh -c \'cat "$1"\' _ {} \\;',
      'find .. -name .env | while read f; do cat "$f"; done',
    ])
      expect(g.decide({ command: cmd }).decision, cmd).not.toBe('allow');
  });
});
