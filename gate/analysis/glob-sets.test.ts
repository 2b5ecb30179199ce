import { describe, expect, it } from 'vitest';
import { createGate, loadPolicy } from '../index.js';
import { globRegex } from './paths.js';

// A word with brackets that hold no valid set (code given inline: `["git", "rev-parse", "--short"]`) made the
// path check throw, and the whole command read as unparseable.
describe('a bracket that is no set', () => {
  it('matches itself, as in bash; a valid set stays a set', () => {
    expect(globRegex('["a", "z-a"]').test('["a", "z-a"]')).toBe(true);
    expect(globRegex('f[a-c].txt').test('fb.txt')).toBe(true);
    expect(globRegex('f[!a-c].txt').test('fb.txt')).toBe(false);
  });

  it('leaves inline code with such a list judged, not unparseable', async () => {
    const g = await createGate({ policy: await loadPolicy({}), workspace: '/home/dev/project' });
    const d = g.decide({
      command: `python3 -c 'import subprocess
rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"]).stdout
open("src/rev.txt", "w").write(f"REV = {rev!r}")'`,
      cwd: '/home/dev/project',
    });
    expect(d.reasons.map((r) => r.rule_id)).not.toContain('exec.unparseable');
  });
});
