import { describe, expect, it } from 'vitest';
import { gateWith, W, write } from './helpers/gate-files.js';

// Review 8, the gate's readers of package managers' config (pnpm-workspace.yaml, .npmrc, bunfig.toml) and of
// Taskfiles: the agent writes text that makes the reader slow (the collector answers every session's hooks on
// one thread) or puts its key where the reader stops reading.

/** The decision and how long it took, in ms. */
async function timed<T>(f: () => T | Promise<T>): Promise<[T, number]> {
  const t = performance.now();
  const out = await f();
  return [out, performance.now() - t];
}

describe('config text that makes the key readers slow', () => {
  // A tag was read from each `{` to the line's end: a square of the line (40 KiB took ~5 s, 240 KiB 3 min).
  it('a line of `{!{!{!…` in pnpm-workspace.yaml or a Taskfile is read in linear time', async () => {
    const text = '{!'.repeat(20_000);
    const g = await gateWith({ [`${W}/pnpm-workspace.yaml`]: 'packages: []\n', [`${W}/Taskfile.yml`]: text });
    const [, wrote] = await timed(() => write(g, 'pnpm-workspace.yaml', text));
    const [, ran] = await timed(() =>
      g.decide({ command: 'task build', tool: 'Bash', toolInput: { command: 'task build' } }),
    );
    expect(wrote).toBeLessThan(1_000);
    expect(ran).toBeLessThan(1_000);
  });

  // Each added list item looked up to 200 lines above it, reading each line's keys afresh (200 reads a line).
  it('thousands of list items added to a config file the project holds are read once each', async () => {
    const text = `packages:\n${'  - x\n'.repeat(60_000)}`;
    const g = await gateWith({ [`${W}/pnpm-workspace.yaml`]: 'packages: []\n' });
    const [d, ms] = await timed(() => write(g, 'pnpm-workspace.yaml', text));
    expect(ms).toBeLessThan(1_000);
    // Past the lines the reader reads, the text is not taken for harmless.
    expect(d.decision).toBe('ask');
  });

  it('a line of escaped quotes is not read 256 characters on from each quote', async () => {
    const text = `"${'\\"'.repeat(120_000)}`;
    const g = await gateWith({ [`${W}/pnpm-workspace.yaml`]: 'packages: []\n' });
    const [, ms] = await timed(() => write(g, 'pnpm-workspace.yaml', text));
    expect(ms).toBeLessThan(600);
  });

  it('an escaped or tagged key still reads as its key (defended before, kept)', async () => {
    const g = await gateWith();
    for (const text of [
      '"script\\x53hell": python3\n',
      '!!str scriptShell: python3\n',
      '{ !!str scriptShell: python3 }\n',
      '- "script\\u0053hell": python3\n',
    ])
      expect((await write(g, 'pnpm-workspace.yaml', text)).decision, text).toBe('ask');
  });
});

describe('a key past the lines the reader reads', () => {
  // The real npm 11 reads `script-shell` on line 4,101 (checked by hand: `npm config get script-shell` prints
  // python3); the reader stopped at 4,096 lines and the write was allowed.
  const pad = Array.from({ length: 4_100 }, (_, i) => `# ${i}`).join('\n');
  it('.npmrc written with 4,100 comments and then script-shell asks', async () => {
    const g = await gateWith();
    expect((await write(g, '.npmrc', 'script-shell=python3\n')).decision).toBe('ask');
    expect((await write(g, '.npmrc', `${pad}\nscript-shell=python3\n`)).decision).toBe('ask');
  });

  it('the same appended to an .npmrc the project holds asks', async () => {
    const g = await gateWith({ [`${W}/.npmrc`]: 'registry=https://registry.npmjs.org/\n' });
    const d = await g.decide({
      command: 'Edit',
      tool: 'Edit',
      toolInput: {
        file_path: `${W}/.npmrc`,
        old_string: 'registry=https://registry.npmjs.org/\n',
        new_string: `registry=https://registry.npmjs.org/\n${pad}\nscript-shell=python3\n`,
      },
    });
    expect(d.decision).toBe('ask');
  });

  it('an ordinary config file stays allowed', async () => {
    const g = await gateWith();
    const text = Array.from({ length: 300 }, (_, i) => `@s${i}:registry=https://registry.npmjs.org/`).join(
      '\n',
    );
    expect((await write(g, '.npmrc', text)).decision).toBe('allow');
  });
});
