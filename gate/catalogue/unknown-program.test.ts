import { describe, expect, it } from 'vitest';
import { behaviourCases } from '../analysis/behaviour.case.js';
import { KNOWN_PROGRAMS } from './programs.js';

describe('an unknown program is not a safe program', () => {
  behaviourCases([
    {
      rule: 'exec.unknown-program',
      yes: [
        'frobnicate --fast',
        'ls | quuxfilter',
        '/usr/bin/frobnicate x',
        'sudo zorblax',
        '!/bin/sh',
        '@exec x',
      ],
      no: [
        'npm test',
        'git status',
        './scripts/build.sh',
        'node_modules/.bin/tsc -p .',
        'bin/rails test',
        'f() { echo hi; }; f',
        'pytest -q',
        'cargo test',
        'docker --restart=no|always|on-failure x',
      ],
    },
  ]);

  it('is sized by what developers run: core utilities, toolchains, package managers, containers', () => {
    for (const p of [
      'ls',
      'git',
      'npm',
      'pnpm',
      'yarn',
      'pip',
      'cargo',
      'go',
      'docker',
      'kubectl',
      'make',
      'jq',
      'rg',
    ])
      expect(KNOWN_PROGRAMS.has(p), p).toBe(true);
    expect(KNOWN_PROGRAMS.size).toBeGreaterThan(600);
  });
});
