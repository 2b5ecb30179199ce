import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createGateThreads, GateBusyError, type GateThreads, gateThreadScript } from './gate-threads.js';

// The server's hook decisions on threads of their own. A runner's agent sends texts that take the gate a long
// time: that must hold neither the server's event loop nor other runners' hook calls, and a decision that runs
// past its deadline is refused, not waited for.

const script = gateThreadScript();
// ~1 s of analysis on this machine (bench:gate-hostile "quoted $(a)"), far over the deadlines below.
const HOSTILE = `echo "${'$(a)'.repeat(60_000)}"`;
/** A third of it: enough to hold the one thread while the calls queue behind it (they queue at once). */
const LONG = `echo "${'$(a)'.repeat(20_000)}"`;
let threads: GateThreads | undefined;
afterEach(async () => {
  await threads?.close();
});

const make = (o: { size?: number; deadlineMs?: (chars: number) => number; perCaller?: number } = {}) => {
  if (!script) throw new Error('dist/cli/gate-thread.js is not built (the test setup builds it)');
  threads = createGateThreads({ script, layers: {}, deadlineMs: () => 60_000, ...o });
  return threads;
};
const plain = { command: 'rm -rf ~/.ssh' };

describe('gate threads', () => {
  it('decides as the gate does, off the event loop', async () => {
    const t = make();
    expect((await t.decide('a', '/home/dev/project', plain)).decision).not.toBe('allow');
    expect((await t.decide('a', '/home/dev/project', { command: 'ls -la' })).decision).toBe('allow');
    // While a long decision runs on its thread, this thread keeps turning.
    let turns = 0;
    let done = false;
    const spin = () => {
      if (done) return;
      turns++;
      setImmediate(spin);
    };
    spin();
    const d = await t.decide('a', '/home/dev/project', { command: HOSTILE });
    done = true;
    expect(d.decision).toBe('ask');
    expect(turns).toBeGreaterThan(20);
  }, 60_000);

  it('ends a decision past its deadline, refuses it, and decides the next on a new thread', async () => {
    const t = make({ size: 1, deadlineMs: (chars) => (chars > 10_000 ? 50 : 60_000) });
    await t.decide('a', '/w', { command: 'ls' }); // the thread is up and its grammar loaded
    await expect(t.decide('a', '/w', { command: HOSTILE })).rejects.toThrow(/did not finish within 50 ms/);
    expect((await t.decide('a', '/w', plain)).decision).not.toBe('allow');
    expect(t.stats().threads).toBe(1);
  }, 60_000);

  it('serves callers in turn: one caller’s queue of long decisions delays another by one decision', async () => {
    const t = make({ size: 1 });
    await t.decide('warm', '/w', { command: 'ls' });
    const order: string[] = [];
    const mine = [1, 2, 3].map((i) =>
      t.decide('hostile', '/w', { command: LONG }).then(() => order.push(`hostile-${i}`)),
    );
    const other = t.decide('other', '/w', plain).then(() => order.push('other'));
    await Promise.all([...mine, other]);
    expect(order).toEqual(['hostile-1', 'other', 'hostile-2', 'hostile-3']);
  }, 60_000);

  it('a thread that replaces another holds to the policy the server read at start, not one edited on disk since', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ward-gate-thread-policy-'));
    const file = join(dir, 'policy.yaml');
    writeFileSync(file, 'version: 1\nmode: strict\n');
    const th = createGateThreads({
      script: script ?? new URL('file:///nonexistent'),
      layers: { user: file, texts: { user: readFileSync(file, 'utf8') } },
      deadlineMs: () => 60_000,
    });
    threads = th;
    expect((await th.decide('a', '/w', { command: 'cat notes.txt' })).mode).toBe('strict');
    // The agent rewrites the policy file, then sends a long text so that the thread is replaced.
    writeFileSync(file, 'version: 1\nmode: autonomous\n');
    await th.decide('a', '/w', { command: HOSTILE });
    expect((await th.decide('a', '/w', { command: 'cat notes.txt' })).mode).toBe('strict');
    // Even with the file gone.
    rmSync(file);
    await th.decide('a', '/w', { command: HOSTILE });
    expect((await th.decide('a', '/w', { command: 'cat notes.txt' })).mode).toBe('strict');
  }, 60_000);

  it('refuses a caller’s calls beyond its waiting limit at once, and only that caller’s', async () => {
    const t = make({ size: 1, perCaller: 2 });
    // One is on the thread and two may wait: the fourth call is refused without waiting.
    const held = [1, 2, 3].map(() => t.decide('a', '/w', { command: LONG }));
    await expect(t.decide('a', '/w', plain)).rejects.toBeInstanceOf(GateBusyError);
    const other = t.decide('b', '/w', plain);
    await Promise.all(held);
    expect((await other).decision).not.toBe('allow');
  }, 120_000);
});
