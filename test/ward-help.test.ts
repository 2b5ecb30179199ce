import { describe, expect, it } from 'vitest';
import { runWard } from './helpers/cli.js';

describe('ward --help', () => {
  it('lists the subcommands, and every one of them answers --help with its usage', async () => {
    const top = await runWard(['--help']);
    expect(top.code).toBe(0);
    const names = [...top.stdout.matchAll(/^ {2}([a-z-]+) {2,}/gm)].map((m) => m[1]!);
    expect(names).toEqual(expect.arrayContaining(['serve', 'exec', 'gate', 'hook', 'install', 'token']));
    for (const name of names) {
      const r = await runWard([name, '--help']);
      expect({ name, code: r.code, stderr: r.stderr }).toEqual({ name, code: 0, stderr: '' });
      expect(r.stdout, name).toMatch(new RegExp(`^usage: ward ${name}\\b`));
    }
  });

  it('an unknown subcommand is an error that prints the usage', async () => {
    const r = await runWard(['frobnicate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown command 'frobnicate'[\s\S]*usage: ward/);
  });
});
