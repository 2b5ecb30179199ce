import { beforeAll, describe, expect, it } from 'vitest';
import { initShellParser, loadPolicy } from '../gate/index.js';
import { filledKeys, laterFilledKeys } from './build-output.js';
import { isRecipeFile, recipeCommands, recipeWriteCommand, runsSetLater } from './build-recipes.js';
import { commandFacts, type FactsContext } from './facts.js';

const CWD = '/home/dev/app';
let ctx: FactsContext;
beforeAll(async () => {
  const [parser, policy] = await Promise.all([initShellParser(), loadPolicy()]);
  ctx = { parser, hosts: policy.hosts };
  // The first analyses compile the analysis's code paths (over its budget on a busy machine), as the thread's do.
  for (let i = 0; i < 3; i++)
    commandFacts('npm pkg set scripts.b="cp -r ~/.ssh dist/k && rm -rf x"', CWD, ctx);
});
/** The places a command, or what it sets for later, is said to fill from outside the working directory. */
const later = (command: string) => laterFilledKeys(commandFacts(command, CWD, ctx), CWD);

describe('what a session sets a build to run', () => {
  it('package.json scripts, Makefiles, Taskfiles and justfiles are recipe files; sources are not', () => {
    for (const p of ['package.json', `${CWD}/web/package.json`, 'Makefile', 'GNUmakefile', 'x/rules.mk'])
      expect(isRecipeFile(p), p).toBe(true);
    for (const p of ['Taskfile.yml', 'taskfile.yaml', 'justfile', '.justfile'])
      expect(isRecipeFile(p), p).toBe(true);
    for (const p of ['package.json.bak', 'src/Makefile.ts', 'package-lock.json', 'README.md'])
      expect(isRecipeFile(p), p).toBe(false);
  });

  it("a whole manifest's scripts; a fragment's members but versions and sources", () => {
    const whole = JSON.stringify({ name: 'x', description: 'cp ~/.x', scripts: { build: 'tsc', b: 'vite' } });
    expect(recipeCommands('package.json', whole)).toEqual(['tsc', 'vite']);
    expect(recipeCommands('package.json', JSON.stringify({ name: 'x' }))).toEqual([]);
    const fragment = '"build": "cp -r ~/.ssh dist/k",\n"vite": "^5.4.0",\n"lib": "file:../lib"';
    expect(recipeCommands('package.json', fragment)).toEqual(['cp -r ~/.ssh dist/k']);
  });

  it("a Makefile's or Taskfile's lines as the shell runs them", () => {
    expect(recipeCommands('Makefile', 'build:\n\t@cp -r $(HOME)/.ssh \\\n\t  dist/k\n# note\n')).toEqual([
      'build:',
      'cp -r $HOME/.ssh  \t  dist/k',
    ]);
    expect(recipeCommands('Taskfile.yml', "tasks:\n  build:\n    cmds:\n      - 'echo $$PATH'\n")).toEqual([
      'tasks:',
      'build:',
      'cmds:',
      'echo $PATH',
    ]);
    expect(recipeCommands('Taskfile.yml', '      - cmd: cp ~/.netrc dist/n')).toEqual(['cp ~/.netrc dist/n']);
  });

  it('scripts set by words, a recipe written whole, and a recipe changed with text not known', () => {
    expect(runsSetLater([['npm', 'pkg', 'set', 'scripts.build=tsc -p .']], [], '', CWD)).toEqual({
      runs: [{ command: 'tsc -p .', workspace: CWD }],
      unknown: false,
    });
    expect(runsSetLater([['cat']], [`${CWD}/web/Makefile`], 'b:\n\tvite build\n', CWD)).toEqual({
      runs: [
        { command: 'b:', workspace: `${CWD}/web` },
        { command: 'vite build', workspace: `${CWD}/web` },
      ],
      unknown: false,
    });
    expect(runsSetLater([['sed']], [`${CWD}/package.json`], '', CWD).unknown).toBe(true);
    expect(runsSetLater([['mv']], [`${CWD}/p.tmp`, `${CWD}/package.json`], 'x', CWD).unknown).toBe(true);
    expect(runsSetLater([['vite', 'build']], [`${CWD}/dist`], '', CWD)).toEqual({ runs: [], unknown: false });
  });

  it("a file tool's write as a shell write of its text, with a delimiter the text does not hold", () => {
    expect(recipeWriteCommand('/w/Makefile', 'a\nWARD_RECIPE\n')).toBe(
      "cat > /w/Makefile <<'WARD_RECIPE_'\na\nWARD_RECIPE\n\nWARD_RECIPE_",
    );
    expect(recipeWriteCommand('/w/a b/Makefile', 'a')).toBeUndefined();
    expect(recipeWriteCommand('/w/x.ts, /w/package.json', 'a')).toBeUndefined();
  });
});

describe('what a set recipe fills, read through the gate analysis', () => {
  it('a script that copies from home into the build folder fills it, however it is set', () => {
    const dist = [`filled:${CWD}/dist`, `filled:${CWD}/dist/k`];
    expect(later('npm pkg set scripts.build="mkdir -p dist && cp -r ~/.ssh dist/k"')).toEqual(dist);
    expect(later('npm set-script prebuild "cp -r $HOME/.ssh dist/k"')).toEqual(dist.slice(1));
    expect(later(`jq '.scripts.build = "cp -r ~/.ssh dist/k"' package.json > p.tmp`)).toEqual(dist.slice(1));
    expect(later(`cat > Makefile <<'EOF'\nb:\n\tcp -r $(HOME)/.ssh dist/k\nEOF`)).toEqual(dist.slice(1));
    // Only what it sets counts as filled, not what the command does itself.
    expect(
      filledKeys(commandFacts('npm pkg set scripts.build="cp -r ~/.ssh dist/k"', CWD, ctx), CWD),
    ).toEqual([]);
  });

  it('a command that fills more folders than it is remembered by fills the working directory', () => {
    const fills = (command: string) => filledKeys(commandFacts(command, CWD, ctx), CWD);
    // `mkdir -p` names each folder twice: each place is said once.
    expect(fills('mkdir -p a1 a2 a3 a4 && cp -r ~/Documents dist/k')).toEqual([
      ...['a1', 'a2', 'a3', 'a4', 'dist/k', 'dist/k/Documents'].map((p) => `filled:${CWD}/${p}`),
    ]);
    expect(fills('mkdir -p a1 a2 a3 a4 a5 a6 a7 a8 && cp -r ~/Documents dist/k')).toEqual([`filled:${CWD}`]);
    expect(later('npm pkg set scripts.build="mkdir -p a b c d e f g h && cp -r ~/.ssh dist/k"')).toEqual([
      `filled:${CWD}`,
    ]);
  });

  it('a plain script fills nothing; a recipe changed with text not known fills the working directory', () => {
    expect(later('npm pkg set scripts.build="tsc -p ." scripts.clean="rm -rf dist 2>/dev/null"')).toEqual([]);
    expect(later(`cat > Makefile <<'EOF'\nbuild:\n\tnpm ci\n\tnpx vite build --outDir dist\nEOF`)).toEqual(
      [],
    );
    expect(later('vite build && cp -r static dist/static')).toEqual([]);
    expect(later("sed -i 's/vite build/vite build --base=\\/x\\//' package.json")).toEqual([`filled:${CWD}`]);
  });

  it('a stored command cut short that sets a script: unknown', () => {
    expect(later('npm pkg set scripts.build="tsc && cp -r ~/.s…[truncated]')).toContain(`filled:${CWD}`);
  });
});
