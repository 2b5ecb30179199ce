import { describe, expect, it } from 'vitest';
import { type CodeScript, EVERYDAY_CODE, HOSTILE_CODE } from './code-scripts.case.js';
import { createGate, type Gate } from './gate.js';
import { loadPolicy } from './policy/load.js';

const W = '/home/dev/project';
const gateWith = async (files: Record<string, string>): Promise<Gate> =>
  createGate({
    policy: await loadPolicy({}),
    workspace: W,
    home: '/home/dev',
    readText: (p, max) => files[p]?.slice(0, max),
  });
const onDisk = (scripts: readonly CodeScript[]) =>
  Object.fromEntries(scripts.map((s) => [`${W}/${s.path}`, s.text]));
const write = (g: Gate, s: CodeScript) =>
  g.decide({ command: 'Write', tool: 'Write', toolInput: { file_path: `${W}/${s.path}`, content: s.text } });
const rules = (d: { reasons: { rule_id: string }[] }) => d.reasons.map((r) => r.rule_id);

describe('JavaScript, Perl and Ruby an agent writes and runs are judged by what they would do', () => {
  it('asks when a hostile script is written, and again when it is run', async () => {
    const empty = await gateWith({});
    const g = await gateWith(onDisk(HOSTILE_CODE));
    for (const s of HOSTILE_CODE) {
      const w = write(empty, s);
      expect(w.decision, s.path).toBe('ask');
      expect(rules(w), s.path).toContain('tool.write-script');
      const r = g.decide({ command: s.run });
      expect(r.decision, s.run).not.toBe('allow');
      expect(rules(r), s.run).toContain('exec.script-run');
    }
  });

  it('allows everyday build scripts, test helpers, codemods and release scripts, written and run', async () => {
    const empty = await gateWith({});
    const g = await gateWith(onDisk(EVERYDAY_CODE));
    for (const s of EVERYDAY_CODE) {
      expect(write(empty, s).decision, s.path).toBe('allow');
      const r = g.decide({ command: s.run });
      expect(r.decision, `${s.run} ${JSON.stringify(r.reasons)}`).toBe('allow');
    }
  });

  it('judges what the interpreter is given, whatever its name: a plain-named file run by node, perl or ruby', async () => {
    const [js, pl, rb] = ['x.js', 'tools/get.pl', 'tasks/boot.rb'].map(
      (p) => HOSTILE_CODE.find((s) => s.path === p)?.text ?? '',
    );
    const g = await gateWith({
      [`${W}/a.txt`]: js ?? '',
      [`${W}/b.txt`]: pl ?? '',
      [`${W}/c.txt`]: rb ?? '',
    });
    // Under a name no kind marks, nothing was judged at write: the run is.
    expect(
      g.decide({ command: 'Write', tool: 'Write', toolInput: { file_path: `${W}/a.txt`, content: js } })
        .decision,
    ).toBe('allow');
    for (const cmd of [
      'node a.txt',
      'perl b.txt',
      'ruby c.txt',
      'node -r ./a.txt build.js',
      'deno run a.txt',
    ])
      expect(g.decide({ command: cmd }).decision, cmd).not.toBe('allow');
  });

  it('judges a script the shell writes (`cat > x.js`) as the Write tool does', async () => {
    const g = await gateWith({});
    const hostile = HOSTILE_CODE.find((s) => s.path === 'x.js')?.text ?? '';
    const d = g.decide({ command: `cat > x.js <<'EOF'\n${hostile}EOF` });
    expect(d.decision).toBe('ask');
    expect(rules(d)).toContain('exec.script-written');
    const everyday = EVERYDAY_CODE.find((s) => s.path === 'scripts/clean.js')?.text ?? '';
    expect(g.decide({ command: `cat > clean.js <<'EOF'\n${everyday}EOF` }).decision).toBe('allow');
  });
});
