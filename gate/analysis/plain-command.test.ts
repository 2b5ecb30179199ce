import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEV_SET, haveShared } from '../../test/helpers/shared.js';
import { parseRows } from '../eval/score.js';
import { createGate } from '../gate.js';
import { loadPolicy } from '../policy/load.js';
import { initShellParser } from './parser.js';
import { plainCommand } from './plain-command.js';
import { collectCommands } from './script.js';

const DEV = DEV_SET;

/** What the tree-sitter path gives for a text: the simple commands collectCommands finds, or null. */
async function parsedCommands(text: string) {
  const parsed = (await initShellParser()).parse(text);
  if (!parsed) return null;
  try {
    return collectCommands(parsed.root);
  } finally {
    parsed.dispose();
  }
}

// Every character the fast path accepts, in the places the grammar might treat it specially.
const EDGE_WORDS = [
  'true',
  '/bin/true',
  'npm',
  'test',
  '-',
  '--',
  '-x',
  '--flag',
  '--a-b',
  '.',
  '..',
  './x',
  '../y',
  ':',
  '%',
  '%1',
  '@',
  '@x',
  'a@b',
  '+',
  '+x',
  'a+b',
  ',',
  'a,b',
  '1',
  '42',
  '1.5',
  '-1',
  '0x1F',
  '1e5',
  'a:b',
  'host:22',
  'x.y.z',
  '_',
  '__x',
  'A_B',
  'a/b/c',
  '/',
  '//',
  'a-',
  '-a-',
  'c++',
  'x%y',
  'git',
  'status',
  'done.txt',
  'if.sh',
  'ifx',
  'export.csv',
  'local_dir',
  'in1',
  'V8',
];

describe('plain commands (decided without the WASM grammar)', () => {
  it('are exactly what the parser gives, for generated word lists', async () => {
    const texts = new Set<string>();
    for (const a of EDGE_WORDS) {
      texts.add(a);
      for (const b of EDGE_WORDS) texts.add(`${a} ${b}`);
    }
    for (let i = 0; i < EDGE_WORDS.length; i++)
      texts.add([0, 7, 13, 21].map((k) => EDGE_WORDS[(i + k) % EDGE_WORDS.length]).join(' '));
    let checked = 0;
    for (const text of texts) {
      const plain = plainCommand(text);
      if (!plain) continue;
      expect([text, await parsedCommands(text)]).toEqual([text, [plain]]);
      checked++;
    }
    expect(checked).toBeGreaterThan(2000);
  });

  it('leave everything with shell syntax to the parser', () => {
    for (const text of [
      'a=b make',
      'echo $HOME',
      'ls ~',
      'ls *.ts',
      'a && b',
      'a | b',
      'a; b',
      'a > f',
      'echo "x"',
      "echo 'x'",
      'a\\ b',
      '# c',
      'a #c',
      '{ a; }',
      '(a)',
      '! a',
      'if true',
      'for x',
      'echo done',
      'export X',
      'time ls',
      'declare x',
      'unset PATH',
      'a  b',
      ' a',
      'a ',
      'a\nb',
      'a\tb',
      'x[1]',
      'echo a=b',
      '',
      // tree-sitter-bash rejects some words with @ or % (`a@b`, `x%y` as a command): never fast.
      'npm i a@1',
      'x%y',
      '- a@b',
    ])
      expect([text, plainCommand(text)]).toEqual([text, null]);
  });

  it.runIf(haveShared('eval', 'dev.jsonl'))(
    'are exactly what the parser gives, for every plain row of the eval set',
    async () => {
      const rows = parseRows(readFileSync(DEV, 'utf8'));
      let checked = 0;
      for (const { cmd } of rows) {
        const plain = plainCommand(cmd);
        if (!plain) continue;
        expect([cmd, await parsedCommands(cmd)]).toEqual([cmd, [plain]]);
        checked++;
      }
      expect(checked).toBeGreaterThan(50);
    },
  );

  it.runIf(haveShared('eval', 'dev.jsonl'))(
    'a deferred-grammar gate decides every eval row like the eager one',
    async () => {
      const rows = parseRows(readFileSync(DEV, 'utf8'));
      const policy = await loadPolicy({});
      const eager = await createGate({ policy, workspace: '/workspace/project' });
      // The deferred gate decides the rows before the first one that needs the grammar without loading it.
      const deferred = await createGate({ policy, workspace: '/workspace/project', deferParser: true });
      for (const { cmd } of rows) {
        const input = { command: cmd, cwd: '/workspace/project' };
        expect([cmd, await deferred.decideAsync(input)]).toEqual([cmd, eager.decide(input)]);
      }
    },
    // ~14 s alone; on a loaded shared machine it has taken more than twice that (not a timing assertion).
    120_000,
  );
});
