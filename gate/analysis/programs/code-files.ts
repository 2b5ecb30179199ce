/**
 * The code files an interpreter is told to run (`node x.js`, `node -r ./pre.js app.js`, `deno run -A x.ts`,
 * `bun x.ts`, `tsx watch x.ts`, `perl -w x.pl`, `ruby -Ilib x.rb`): each runs, and is read as it is now and judged
 * as the same code given inline (script-written.ts), whatever its name.
 */
import { type Call, type Handler, operands } from '../call.js';
import { touch } from '../effects.js';
import type { CodeKind } from '../script-kinds.js';
import { judgeCodeRun } from '../script-written.js';

interface Runner {
  kind: CodeKind;
  /** Options that take the next argument as their value. */
  withValue: readonly string[];
  /** Options whose value is code that runs before the file (`node -r ./setup.js`, `ruby -r ./env.rb`). */
  preload: readonly string[];
  /** Subcommands that run the file after them (`deno run`); an operand that is none runs as the file itself. */
  runs?: RegExp;
  /** Subcommands of the tool's own, that run no file named here (`deno test`, `bun install`). */
  own?: RegExp;
  /** Options after which nothing named is run as a file (`node --run build` runs a package script). */
  noFile?: readonly string[];
  /** The operands that are files, not names of package scripts (`bun x.ts` against `bun build`). */
  fileLike?: RegExp;
}

const JS_FILE = /\.[cm]?[jt]sx?$|\//;
const NODE_PRELOAD = ['-r', '--require', '--import', '--loader', '--experimental-loader'];

const RUNNERS: Record<string, Runner> = {
  node: {
    kind: 'node',
    withValue: [...NODE_PRELOAD, '-C', '--conditions', '--input-type', '--title', '--run', '--inspect-port'],
    preload: NODE_PRELOAD,
    noFile: ['--run'],
  },
  deno: {
    kind: 'node',
    withValue: [
      '-c',
      '--config',
      '--import-map',
      '--lock',
      '--cert',
      '--location',
      '--seed',
      '--ext',
      '--preload',
    ],
    preload: ['--preload'],
    runs: /^(?:run|serve)$/,
    own: /^\w+$/,
  },
  bun: {
    kind: 'node',
    withValue: ['--cwd', '-r', '--preload', '--env-file', '-c', '--config', '--tsconfig-override'],
    preload: ['-r', '--preload'],
    runs: /^run$/,
    fileLike: JS_FILE,
  },
  tsx: { kind: 'node', withValue: ['--tsconfig', ...NODE_PRELOAD], preload: NODE_PRELOAD, runs: /^watch$/ },
  'ts-node': {
    kind: 'node',
    withValue: ['-r', '--require', '-P', '--project', '-O', '--compiler-options', '-C', '--compiler'],
    preload: ['-r', '--require'],
  },
  zx: { kind: 'node', withValue: ['--shell', '--prefix', '--cwd'], preload: [] },
  perl: { kind: 'perl', withValue: ['-I', '-M', '-m'], preload: [] },
  ruby: { kind: 'ruby', withValue: ['-I', '-r', '-C', '-E', '--encoding'], preload: ['-r'] },
};

/** `./setup.js`, `lib/x.rb`: a preloaded value that names a file rather than a package. */
const PATH_LIKE = /^\.{0,2}\/|\.[cm]?[jt]s$|\.rb$/;

/** Judges the file a runner's command runs, and the code it preloads. */
function runsCodeFiles(name: string, r: Runner): Handler {
  return (c: Call) => {
    const run = (file: string) => {
      touch(c.ctx, file, 'exec', c.cwd);
      judgeCodeRun(c, file, r.kind);
    };
    for (let i = 0; i < c.args.length; i++) {
      const a = c.args[i] ?? '';
      const opt = r.preload.find((p) => a === p || (p.startsWith('--') && a.startsWith(`${p}=`)));
      const value = opt === undefined ? undefined : a === opt ? c.args[i + 1] : a.slice(opt.length + 1);
      if (value !== undefined && PATH_LIKE.test(value)) run(value);
    }
    if (r.noFile?.some((o) => c.args.some((a) => a === o || a.startsWith(`${o}=`)))) return;
    const ops = operands(c.args, r.withValue);
    const first = ops[0];
    const file =
      first !== undefined && r.runs?.test(first) ? ops[1] : r.own?.test(first ?? '') ? undefined : first;
    if (file === undefined || file === '-' || (r.fileLike && !r.fileLike.test(file))) return;
    run(file);
    // `node --test a.test.js b.test.js`: every operand is a file it runs.
    if (name === 'node' && c.args.includes('--test')) for (const f of ops.slice(1, 16)) run(f);
  };
}

/** Handlers that judge the code files each interpreter runs, by program name. */
export const CODE_FILE_RUNNERS: Record<string, Handler> = Object.fromEntries(
  Object.entries(RUNNERS).map(([name, r]) => [name, runsCodeFiles(name, r)]),
);
