import { describe, expect, it } from 'vitest';
import { execCapableSetting } from './git-repository-risk.js';

describe('execCapableSetting', () => {
  it('passes the config of a fresh clone', () => {
    const clone = `[core]
\trepositoryformatversion = 0
\tfilemode = true
\tbare = false
\tlogallrefupdates = true
\tfsmonitor = false
[remote "origin"]
\turl = https://example.com/x.git
\tfetch = +refs/heads/*:refs/remotes/origin/*
[branch "main"]
\tremote = origin
\tmerge = refs/heads/main
[alias]
\tst = status
`;
    expect(execCapableSetting(clone)).toBeUndefined();
  });

  it.each([
    ['[core]\n\tfsmonitor = "touch x"', 'core.fsmonitor'],
    ['[core]\n\tFSMonitor = ./watch.sh', 'core.fsmonitor'],
    ['[core]\n\thooksPath = /tmp/h', 'core.hookspath'],
    ['[core]\n\tsshCommand = sh -c x', 'core.sshcommand'],
    ['[core]\n\tpager = less; x', 'core.pager'],
    ['[filter "lfs"]\n\tclean = x', 'filter.lfs.clean'],
    ['[diff "img"]\n\ttextconv = x', 'diff.img.textconv'],
    ['[alias]\n\tst = !sh -c x', 'alias.st'],
    ['[include]\n\tpath = ../x', 'include.path'],
    ['[includeIf "gitdir:/"]\n\tpath = ../x', 'includeif.gitdir:/.path'],
    ['[credential]\n\thelper = !x', 'credential.helper'],
    ['[remote "o"]\n\tuploadpack = x', 'remote.o.uploadpack'],
    ['[protocol "ext"]\n\tallow = always', 'protocol.ext.allow'],
    ['[uploadpack]\n\tpackObjectsHook = x', 'uploadpack.packobjectshook'],
  ])('finds %j', (text, key) => {
    expect(execCapableSetting(text)).toBe(key);
  });
});
