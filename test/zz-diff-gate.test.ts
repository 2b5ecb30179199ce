import { readFileSync, writeFileSync } from 'node:fs';
import { it } from 'vitest';
import { analyzeCommandLine, initShellParser } from '../gate/analysis/index.js';
import { createGate, loadPolicy } from '../gate/index.js';

it('diff gate view', async () => {
  const inFile = process.env.DIFF_IN ?? '/tmp/diff/cases.json';
  const outFile = process.env.DIFF_OUT ?? '/tmp/diff/gate.json';
  const cases: string[] = JSON.parse(readFileSync(inFile, 'utf8'));
  const p = await initShellParser();
  const g = await createGate({ policy: await loadPolicy({ inline: {} }), workspace: '/home/dev/project' });
  const out = cases.map((cmd) => {
    try {
      const a = analyzeCommandLine(cmd, { parser: p, workspace: '/home/dev/project', hosts: { allow: [], deny: [] } });
      const d = g.decide({ command: cmd });
      return { argvs: a.facts.argvs, findings: a.findings.map((f: any) => f.rule ?? f.id ?? f), decision: d.decision };
    } catch (e) {
      return { error: String(e) };
    }
  });
  writeFileSync(outFile, JSON.stringify(out));
});
