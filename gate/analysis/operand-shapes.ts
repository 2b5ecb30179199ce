/**
 * What the shape of a program's operands says, whatever the program: a shell handed `-c CMD` among them runs
 * CMD (`perf stat sh -c …`, `rr record bash -c …`), and a file in a place whose files run later (a shell
 * start-up file, a git hook, a service, the agent's configuration) named as the destination of a copy-shaped
 * command or of a mutating verb is written there (`lz4 -d x .git/hooks/pre-commit`, `unrar x a.rar
 * ~/.config/autostart/`, `dasel put -f ~/.claude/settings.json …`). Used for programs whose handler does not
 * already say which operand is which.
 */
import { type Call, operands } from './call.js';
import { classifyPath, type Zone } from './paths.js';
import { UNKNOWN } from './script.js';

/** A shell by name or by path. */
const SHELL = /^(?:(?:\/usr)?(?:\/local)?\/s?bin\/)?(?:ba|da|z|k|mk|a|fi|y|c|tc)?sh$/;
/** A flag cluster with `c`: the shell's next operand is its command string. */
const DASH_C = /^-[a-zA-Z]*c[a-zA-Z]*$/;

/** `prog … sh -c CMD …`: analyses `sh -c CMD …` as the command it runs. True when one was found. */
export function runWrappedShell(c: Call): boolean {
  for (let i = 0; i < c.args.length - 1; i++)
    if (SHELL.test(c.args[i] ?? '') && DASH_C.test(c.args[i + 1] ?? '')) {
      c.run(c.args.slice(i));
      return true;
    }
  return false;
}

const zoneOf = (c: Call, p: string): Zone => classifyPath(p, { workspace: c.ctx.workspace, cwd: c.cwd }).zone;

/** Places whose files are run or obeyed later: writing one is persistence or a change of the guard rails. */
const RUNS_LATER = new Set<Zone>([
  'shell-rc',
  'cron',
  'service',
  'pam',
  'sudoers',
  'git-hook',
  'exec-config',
  'env-script',
  'agent-config',
  'python-startup',
  'kernel',
]);

/** Subcommands that change the file they are given (`put`, `set`, `x` for extract, `copyto`…). */
const MUTATING_VERB =
  /^(?:put|set|write|add|append|insert|update|upsert|edit|modify|replace|patch|merge|apply|copy|copyto|cp|mv|move|moveto|sync|restore|extract|x|e|unpack|decompress|d)$/;

/** Flags that make a program change the files it is given (`--set`, `-i`, `--in-place`, `--fix`). */
const MUTATING_FLAG =
  /^(?:-i|--in-place|--inplace|--set|--put|--add|--append|--write|-w|--merge|--del|--delete|--fix|--overwrite)$/;

/**
 * True when `value`, an operand of `c`, is where the program writes: the last operand of several (the
 * destination of a copy or an extraction), or any operand of a mutating verb or flag, and only where what is
 * written runs later.
 */
export function writtenOperand(c: Call, value: string): boolean {
  if (value.includes(UNKNOWN)) return false;
  const runsLater = (p: string) => {
    const zone = classifyPath(p, { workspace: c.ctx.workspace, cwd: c.cwd }).zone;
    // A dotfile of the home directory (`~/.gitconfig`, `~/.npmrc`) configures programs run later too.
    return RUNS_LATER.has(zone) || (zone === 'home' && /(?:^|\/)\.[^./]/.test(p));
  };
  // A directory destination (`~/.config/autostart/`) is judged by what lands in it.
  if (!runsLater(value) && !runsLater(`${value.replace(/\/+$/, '')}/x`)) return false;
  // The agents' own settings and hooks, handed to a program the gate cannot read (`./tool .gemini/settings.json`,
  // `node x.js .claude/settings.local.json`): it may rewrite them, and that turns Ward's hooks off.
  if (classifyPath(value, { workspace: c.ctx.workspace, cwd: c.cwd }).zone === 'agent-config') return true;
  const ops = operands(c.args);
  if (ops.length >= 2 && ops.at(-1) === value) return true;
  return ops.some((o) => MUTATING_VERB.test(o)) || c.args.some((a) => MUTATING_FLAG.test(a));
}

/**
 * Subcommands that mark a folder or file as trusted, so that its code runs later without asking (`direnv allow
 * DIR`: its `.envrc` runs at the next `cd` there; `mise trust FILE`). The folder is the current one without an
 * operand.
 */
const TRUST_VERB = /^(?:allow|permit|trust)$/;
/** Subcommands that run the script named after them (`k6 run x.js`, `tool exec x.lua`). */
const RUN_VERB = /^(?:run|exec|execute|eval|script|load|play|bench)$/;
/** Options whose value is a file the program writes. */
const OUTPUT =
  /^--?(?:o|out|output|outfile|outFile|out-file|outdir|outDir|out-dir|output-\w+|dest|destination|target|save|log|log-file|dump|declarationDir)$/;
/** Options whose value is a file of settings or steps the program follows. */
const PLAN_OPTION =
  /^(?:-[cfpFWt]|--(?:config|conf|config-file|file|project|project-config|workflows?|testfile|test-plan|plan|playbook|recipe|rcfile|settings|profile|env-file|jobfile|taskfile|justfile|makefile))$/;
/** Of those, the ones unambiguous enough to judge a plan from the home directory or elsewhere by. */
const WIDE_PLAN_OPTION =
  /^(?:-[fcbW]|-chdir|--(?:config|config-file|file|project|project-config|workflows?|testfile|test-plan|plan|playbook|recipe|rcfile|jobfile|taskfile|justfile|makefile|build-file|buildfile|manifest-path|pom))$/;
/** Options naming the directory whose plan a run or apply verb carries out (`terraform -chdir=D apply`). */
const DIR_OPTION =
  /^(?:-chdir|--(?:chdir|prefix|cwd|dir|project-dir|working-dir|terragrunt-working-dir|app-dir|root-dir))$/;
/** Verbs that carry out the plan, script or file of steps named after them (or in the directory given). */
const APPLY_VERB = /^(?:apply|run|exec|execute|play|playbook|build|up|sync|deploy|plan-apply|start)$/;
/** A file of steps a tool carries out, by its name: a saved plan, a playbook, a makefile, a manifest. */
const PLAN_NAME =
  /(?:^|[._-])(?:tf)?plan(?:\.(?:out|bin|json))?$|\.(?:pkr\.hcl|pkr\.json|hcl|tf|nix|sql|jmx|ya?ml|json|toml|xml|gradle|kts|mk)$|^(?:GNUmakefile|[Mm]akefile|[Jj]ustfile|\.justfile|Rakefile|Vagrantfile|Dockerfile|Containerfile|Tiltfile|Earthfile|Procfile|tox\.ini|noxfile\.py)$/;
/** A client's command that runs a file of statements (`sqlite3 db '.read f.sql'`, psql's `\i f`, `source f`). */
const INCLUDE_STATEMENT = /(?:^|[;\n]\s*)(?:\.read|\\ir?|\\include|source)\s+['"]?([^\s'";]+)/;

/**
 * A plan outside the workspace and not in a temporary directory is still someone else's (another project's,
 * another user's, a file the agent left there earlier): carried out here it is code nobody reviewed, judged
 * as running it. In the workspace it is the project's own.
 */
function runsPlanElsewhere(c: Call, touchExec: (path: string) => void): void {
  const outside = (p: string) =>
    p.includes('/') && !p.includes('://') && !p.includes(UNKNOWN) && zoneOf(c, p) !== 'workspace';
  const plan = (p: string) =>
    outside(p) && (PLAN_NAME.test(p.slice(p.lastIndexOf('/') + 1)) || CODE_FILE.test(p));
  const before = c.args.includes('--') ? c.args.slice(0, c.args.indexOf('--')) : c.args;
  const words = before.filter((a) => !a.startsWith('-'));
  const named = /-(?:playbook|run|apply|exec)$/.test(c.name);
  const verb = named ? -1 : words.findIndex((w) => APPLY_VERB.test(w));
  if (verb >= 0 || named) for (const w of words.slice(verb + 1, verb + 4)) if (plan(w)) touchExec(w);
  for (let i = 0; i < before.length; i++) {
    const a = before[i] ?? '';
    const eq = /^(--?[\w-]+)=(.+)$/.exec(a);
    const option = eq ? (eq[1] ?? '') : a;
    const value = eq ? (eq[2] ?? '') : (before[i + 1] ?? '');
    if (WIDE_PLAN_OPTION.test(option) && plan(value)) touchExec(value);
    if (DIR_OPTION.test(option) && verb >= 0 && outside(`${value.replace(/\/+$/, '')}/x`)) touchExec(value);
    const include = INCLUDE_STATEMENT.exec(a);
    if (include?.[1] && outside(include[1])) touchExec(include[1]);
  }
}

/** A file of code, by its extension. */
const CODE_FILE =
  /\.(?:js|mjs|cjs|ts|py|rb|pl|lua|sh|bash|ps1|groovy|kts|r|jl|php|tcl|scm|rkt|lisp|clj|exs|erl)$/i;

/**
 * `prog run FILE`, `locust -f /tmp/x.py`, `redis-cli --eval /tmp/x.lua`: a file of code given to a program is
 * code it runs, judged as running it (in the workspace that is the project's own code; elsewhere it asks).
 * The files after a run verb, and any code file given as an option's value; what a trust verb names.
 */
export function runScriptOperand(c: Call, touchExec: (path: string) => void): void {
  const ops = operands(c.args);
  // Trusting code to run later is judged as running it: the project's own stays allowed, elsewhere it asks.
  if (TRUST_VERB.test(ops[0] ?? ''))
    for (const t of ops.length > 1 ? ops.slice(1, 4) : [c.cwd ?? '.']) touchExec(t);
  runsPlanElsewhere(c, touchExec);
  const at = ops.findIndex((o) => RUN_VERB.test(o));
  if (at >= 0) for (const o of ops.slice(at + 1, at + 4)) if (CODE_FILE.test(o)) touchExec(o);
  for (let i = 0; i < c.args.length; i++) {
    const a = c.args[i] ?? '';
    const eq = /^(--?[\w-]+)=(.+)$/.exec(a);
    const option = eq ? eq[1] : c.args[i - 1];
    // What an output option names is written, not run (`tsc --outFile x.js`): the path scan judges it.
    if (option === undefined || !/^--?[\w-]+$/.test(option) || OUTPUT.test(option)) continue;
    const value = eq ? eq[2] : a;
    if (!value || value.startsWith('-') || value.includes(UNKNOWN)) continue;
    if (CODE_FILE.test(value)) touchExec(value);
    // A project, workflow or test-plan file from a temporary directory is a plan of commands someone dropped
    // there (`act -W /tmp/wf.yml`, `jmeter -t /tmp/x.jmx`, `tmuxinator start x -p /tmp/x.yml`, `make -f`).
    else if (PLAN_OPTION.test(option) && /\/[^/]+\.\w+$/.test(value) && zoneOf(c, value) === 'temp')
      touchExec(value);
  }
}
