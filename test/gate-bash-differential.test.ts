import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createGate, loadPolicy } from '../gate/index.js';

/**
 * What bash 5.2 really runs, against what the gate allows. test/fixtures/shell-differential.jsonl holds 4,113
 * shell texts generated to stress how the grammar reads shell (separators, continuations, comments, quoting,
 * here-documents, substitutions in every position, arithmetic, variables and shell state) and each run by bash
 * in a scratch directory whose PATH held only logging stubs: `bash_ran` is what the stubs logged. Every row
 * is one where bash read the SSH key, deleted the home directory or ran a program named `$` or `evilprog`;
 * the gate must not allow any of them (480 were allowed before the gate read the text as bash does).
 */
const ROWS = readFileSync(new URL('./fixtures/shell-differential.jsonl', import.meta.url), 'utf8')
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l) as { text: string; bash_ran: string[][] });

/** Allowed on purpose, each with its reason. */
const ACCEPTED: Record<string, string> = {
  // The stub logs the call; the real cat refuses the unknown option and reads nothing.
  'cat --x=~/.ssh/id_rsa': 'cat exits on an unknown option',
  // Documentation lists alternatives this way (`git show commit|tag`): a policy choice, and writing a program
  // into a PATH directory asks first.
  'echo x|evilprog': 'a documentation alternative',
};

describe('the gate against what bash runs', () => {
  it('allows none of the texts where bash ran a risky command', async () => {
    const gate = await createGate({
      policy: await loadPolicy({ inline: {} }),
      workspace: '/home/dev/project',
    });
    expect(ROWS.length).toBeGreaterThan(4000);
    const allowed = ROWS.filter(
      (r) => !(r.text in ACCEPTED) && gate.decide({ command: r.text }).decision === 'allow',
    );
    expect(allowed.map((r) => ({ text: r.text.slice(0, 200), bash: r.bash_ran })).slice(0, 10)).toEqual([]);
    for (const text of Object.keys(ACCEPTED)) expect(ROWS.some((r) => r.text === text)).toBe(true);
  });
});
