import { beforeAll, describe, expect, it } from 'vitest';
import { initShellParser, loadPolicy } from '../gate/index.js';
import { builtArchiveKeys, expandBuiltArchives } from './built-archives.js';
import { commandFacts, type FactsContext } from './facts.js';

const CWD = '/home/dev/app';
let ctx: FactsContext;
beforeAll(async () => {
  const [parser, policy] = await Promise.all([initShellParser(), loadPolicy()]);
  ctx = { parser, hosts: policy.hosts };
});
const keys = (command: string) => builtArchiveKeys(commandFacts(command, CWD, ctx), CWD);

describe('an archive the session packed from its build output', () => {
  it('is remembered with what it was packed from', () => {
    expect(keys('npm run build && tar czf build.tar.gz dist')).toEqual([`built:${CWD}/build.tar.gz\0dist`]);
    expect(keys('zip -r site.zip public')).toEqual([`built:${CWD}/site.zip\0public`]);
    expect(keys('tar czf release.tgz bin/')).toEqual([`built:${CWD}/release.tgz\0bin`]);
  });

  it('not when it packs home, the workspace, a hidden folder, a secret, or names taken from a file', () => {
    for (const c of [
      'tar czf h.tgz ~',
      'tar czf h.tgz -C ~ .ssh',
      'tar czf x.tgz .',
      'tar czf x.tgz dist ../secrets',
      'tar czf x.tgz dist .env',
      'tar -czf x.tgz --files-from list.txt',
      'tar czf x.tgz -T list.txt',
      'cat list.txt | zip -@ x.zip',
      'tar czf x.tgz /etc',
      'tar czf dist/x.tgz dist && cp dist/x.tgz notes.txt',
    ])
      expect(keys(c), c).toEqual([]);
  });

  it('an upload of it counts as an upload of what it was packed from; another archive stays an archive', () => {
    const sighted = new Set(keys('tar czf build.tar.gz dist'));
    const use = { bucket: 'site', into: true, sources: ['build.tar.gz'] };
    expect(expandBuiltArchives(use, CWD, sighted).sources).toEqual(['dist']);
    expect(expandBuiltArchives({ ...use, sources: ['other.tgz'] }, CWD, sighted).sources).toEqual([
      'other.tgz',
    ]);
    expect(expandBuiltArchives(use, CWD, new Set()).sources).toEqual(['build.tar.gz']);
  });
});
