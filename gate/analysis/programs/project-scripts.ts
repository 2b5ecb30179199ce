import { type Call, type Handler, operands, optionValue } from '../call.js';
import { makeRunCommands } from '../make-commands.js';
import { classifyPath } from '../paths.js';
import { UNKNOWN } from '../script.js';
import { packageScripts } from '../script-kinds.js';
import { reportRun } from '../script-written.js';

/** What an install of the project runs of its own scripts, in order. */
const INSTALL_SCRIPTS = [
  'preinstall',
  'install',
  'postinstall',
  'prepublish',
  'preprepare',
  'prepare',
  'postprepare',
];
const INSTALL = /^(install|i|in|ins|inst|insta|instal|isntall|ci|clean-install|add|update|up|upgrade)$/;
/** npm's own commands that run a script of the same name. */
const NAMED = /^(test|t|tst|start|stop|restart)$/;
const RUN = /^(run|run-script|rum|urn)$/;
/** Subcommands of pnpm, yarn and bun that are their own (any other word runs the script of that name). */
const OWN =
  /^(exec|dlx|x|create|init|remove|rm|uninstall|link|unlink|publish|pack|audit|outdated|why|list|ls|info|view|config|set|get|cache|store|login|logout|version|help|dedupe|import|rebuild|patch|env|bin|root|prune|fetch|node|self-update|global|workspace|workspaces|upgrade-interactive|plugin|dlx|npm|build)$/;

const OPTION_VALUES = [
  '--prefix',
  '-C',
  '--dir',
  '--cwd',
  '-w',
  '--workspace',
  '--filter',
  '--registry',
  '--tag',
];

/** The scripts of the project's package.json a package-manager command runs, by name. */
export function scriptsRun(program: string, args: string[]): string[] {
  const ops = operands(args, OPTION_VALUES);
  const [sub = '', name = ''] = ops;
  const withPrePost = (n: string) => [`pre${n}`, n, `post${n}`];
  if (sub === '' ? program === 'yarn' || program === 'pnpm' || program === 'bun' : INSTALL.test(sub))
    return sub === '' || !/^(add|update|up|upgrade)$/.test(sub) || program === 'npm' ? INSTALL_SCRIPTS : [];
  if (RUN.test(sub)) return name ? withPrePost(name) : [];
  const n = { t: 'test', tst: 'test' }[sub] ?? sub;
  if (NAMED.test(sub)) return withPrePost(n);
  // `pnpm build`, `yarn lint`, `bun dev`: a word that is none of the tool's own runs that script.
  if (program !== 'npm' && !OWN.test(sub) && /^[\w:.-]+$/.test(sub)) return withPrePost(sub);
  return [];
}

/**
 * `npm install`, `npm test`, `pnpm build`: the project's own scripts that run now, read from its package.json as
 * it is now (the caller's reader), are judged as their commands typed: whatever wrote them (a `sed -i`, a
 * second edit the server saw only a piece of).
 */
const runsPackageScripts: Handler = (c: Call) => {
  if (!c.ctx.readScript) return;
  const dir = optionValue(c.args, ['--prefix', '-C', '--dir', '--cwd']) ?? '.';
  if (dir.includes(UNKNOWN)) return;
  const path = classifyPath(`${dir.replace(/\/+$/, '')}/package.json`, {
    workspace: c.ctx.workspace,
    cwd: c.cwd,
  }).path;
  const wanted = scriptsRun(c.name, c.args);
  if (wanted.length === 0) return;
  const text = c.ctx.written?.get(path) ?? c.ctx.readScript(path);
  const scripts = text === undefined ? undefined : packageScripts(text);
  if (!scripts) return;
  const run = wanted.filter((n) => scripts[n] !== undefined);
  if (run.length === 0) return;
  reportRun(
    c,
    `${path}#${run.join(',')}`,
    `${path} scripts ${run.join(', ')}`,
    run.map((n) => scripts[n] ?? ''),
  );
};

const MAKE_VALUES = [
  '-C',
  '--directory',
  '-f',
  '--file',
  '--makefile',
  '-I',
  '--include-dir',
  '-l',
  '-o',
  '-W',
  '--what-if',
  '--old-file',
  '--new-file',
  '--load-average',
];

/**
 * `make`, `make -C sub test`: the recipes that run now, read from the makefile as it is now (the caller's
 * reader), are judged as their commands typed, whatever wrote them.
 */
const runsMakefile: Handler = (c: Call) => {
  if (!c.ctx.readScript) return;
  const dir = optionValue(c.args, ['-C', '--directory']) ?? '.';
  const named = optionValue(c.args, ['-f', '--file', '--makefile']);
  if (dir.includes(UNKNOWN) || named?.includes(UNKNOWN)) return;
  const where = { workspace: c.ctx.workspace, cwd: c.cwd };
  const base = dir.replace(/\/+$/, '');
  const candidates = named
    ? [named.startsWith('/') ? named : `${base}/${named}`]
    : ['GNUmakefile', 'makefile', 'Makefile'].map((n) => `${base}/${n}`);
  for (const candidate of candidates) {
    const path = classifyPath(candidate, where).path;
    const text = c.ctx.written?.get(path) ?? c.ctx.readScript(path);
    if (text === undefined) continue;
    const goals = operands(c.args, MAKE_VALUES).filter((o) => !o.includes('=') && !/^\d+$/.test(o));
    reportRun(
      c,
      `${path}#${goals.join(',')}`,
      `${path}${goals.length ? ` (${goals.join(' ')})` : ''}`,
      makeRunCommands(text, goals),
    );
    return;
  }
};

/** Handlers of the package managers and build tools that run a project's own scripts, by name. */
export const PROJECT_SCRIPT_PROGRAMS: Record<string, Handler> = {
  make: runsMakefile,
  gmake: runsMakefile,
  npm: runsPackageScripts,
  pnpm: runsPackageScripts,
  yarn: runsPackageScripts,
  bun: runsPackageScripts,
};
