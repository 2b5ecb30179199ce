import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createGate, loadPolicy } from '../gate/index.js';

/**
 * What bash 5.2 really runs, against what the gate allows. test/fixtures/shell-differential.jsonl holds 4,237
 * shell texts generated to stress how the grammar reads shell (separators, continuations, comments, quoting,
 * here-documents, substitutions in every position, arithmetic, variables and shell state) and each run by bash
 * in a scratch directory whose PATH held only logging stubs: `bash_ran` is what the stubs logged. Every row
 * is one where bash read the SSH key, deleted the home directory or ran a planted program (`$`, `evilprog`, `HIDDEN`);
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
  // bash looks a script up on PATH when the working directory has none of that name; the gate takes it for a
  // file in the working directory. Planting a program on PATH asks first.
  'bash HIDDEN': 'a script looked up on PATH',
  'sh -- HIDDEN arg': 'a script looked up on PATH',
  // Deleting a path known only at run time scores under the ask threshold (destroy.delete-unknown, 0.35).
  "read -a x <<< 'x /home/dev'; rm -rf ${x[@]}": 'all elements of an array, split at run time',
};

describe('the gate against what bash runs', () => {
  it('allows none of the texts where bash ran a risky command', async () => {
    const gate = await createGate({
      policy: await loadPolicy({ inline: {} }),
      workspace: '/home/dev/project',
    });
    expect(ROWS.length).toBeGreaterThan(4100);
    const allowed = ROWS.filter(
      (r) => !(r.text in ACCEPTED) && gate.decide({ command: r.text }).decision === 'allow',
    );
    expect(allowed.map((r) => ({ text: r.text.slice(0, 200), bash: r.bash_ran })).slice(0, 10)).toEqual([]);
    for (const text of Object.keys(ACCEPTED)) expect(ROWS.some((r) => r.text === text)).toBe(true);
  });
});
