import { describe, expect, it } from 'vitest';
import { MAX_ANALYSED_CHARS } from './analysis/index.js';
import { createGate, type Gate } from './gate.js';
import { loadPolicy } from './policy/load.js';

// A hostile agent sends a command the analysis cannot finish in time: the hook that runs the gate has a
// timeout after which the agent runs the tool anyway, and the server's hook endpoint runs it on the event
// loop every approval shares. Too long or too costly to read in full is an ask in every mode.

const gateWith = async (mode: string): Promise<Gate> =>
  createGate({ policy: await loadPolicy({ inline: { mode } }), workspace: '/home/dev/project' });

const rules = (d: { reasons: { rule_id?: string }[] }) => d.reasons.map((r) => r.rule_id);

describe('analysis bounds', () => {
  it('does not read a command over the limit: it asks, even in autonomous mode, and hides nothing by length', async () => {
    const gate = await gateWith('autonomous');
    // The dangerous part first, then padding: over the limit, nothing of it is read.
    const d = await gate.decideAsync({ command: `ls ${'a '.repeat(MAX_ANALYSED_CHARS / 2 + 1)}` });
    expect(d.decision).toBe('ask');
    expect(rules(d)).toEqual(['exec.unanalysable']);
    expect(d.reasons[0]?.detail ?? JSON.stringify(d.reasons[0])).toMatch(/KiB/);
    // Nor when the padding is the working directory the caller names (no path is longer than 4096 bytes), or
    // the workspace the server's hook analyses against.
    const viaCwd = await gate.decideAsync({ command: 'ls', cwd: `/home/dev/${'d/'.repeat(3_000)}` });
    expect(rules(viaCwd)).toEqual(['exec.unanalysable']);
    const wide = await createGate({
      policy: await loadPolicy({ inline: { mode: 'autonomous' } }),
      workspace: `/w/${'d/'.repeat(100_000)}`,
    });
    const viaWorkspace = await wide.decideAsync({ command: `cat ${'a/b '.repeat(1_000)}` });
    expect(viaWorkspace.decision).toBe('ask');
    expect(rules(viaWorkspace)).toEqual(['exec.unanalysable']);
    // A shorter one is read as usual.
    const under = await gate.decideAsync({ command: `ls ${'a '.repeat(2_000)}` });
    expect(under.decision).toBe('allow');
  });

  it('cancels a parse that outlasts its budget (50,000 unclosed `${` took 11 s) and asks in every mode', async () => {
    for (const mode of ['autonomous', 'balanced', 'strict']) {
      const gate = await gateWith(mode);
      const d = await gate.decideAsync({ command: `echo ${'${'.repeat(50_000)}` });
      expect(d.decision, mode).toBe('ask');
      expect(rules(d), mode).toContain('exec.unanalysable');
    }
  });

  it('keeps what it found before the budget ran out', async () => {
    const gate = await gateWith('balanced');
    const d = await gate.decideAsync({ command: `rm -rf ~; echo ${'${'.repeat(50_000)}` });
    expect(['ask', 'deny']).toContain(d.decision);
  });

  it('allows writing a file through a here-document, the redirect before or after it', async () => {
    const gate = await gateWith('balanced');
    // The reading without here-document bodies once put `<<<''` after `> notes.txt`, which the grammar cannot
    // parse: the agents' most common way to write a file asked.
    for (const cmd of [
      "cat > notes.txt <<'EOF'\nhello world\nEOF",
      "cat <<'EOF' > notes.txt\nhello\nEOF",
      'cat > n.txt << EOF\nline 0: x\nEOF\n',
      "tee -a log.txt >/dev/null <<'EOF'\nx\nEOF",
    ])
      expect((await gate.decideAsync({ command: cmd })).decision, cmd).toBe('allow');
    // What follows a body's real end is still read.
    const after = await gate.decideAsync({ command: "cat > n.txt <<'EOF'\nx\nEOF\nrm -rf ~" });
    expect(after.decision).not.toBe('allow');
  });

  it('reads a large ordinary script in full', async () => {
    const gate = await gateWith('balanced');
    const body = Array.from({ length: 3_000 }, (_, i) => `line ${i}: some text for the file`).join('\n');
    const d = await gate.decideAsync({ command: `cat > notes.txt <<'EOF'\n${body}\nEOF` });
    expect(d.decision).toBe('allow');
  });
});
