import { posix } from 'node:path';
import type { Node } from 'web-tree-sitter';
import { KNOWN_PROGRAMS, PROJECT_JS_TOOLS } from '../catalogue/programs.js';
import { DATA_ARGS, NET_MODELLED, scanArguments, scanPathArguments } from './argument-scan.js';
import { type Call, type Handler, operands, optionValue } from './call.js';
import { type AnalysisContext, probe, report } from './context.js';
import { repairDocumentationSyntax, withoutPrompt } from './doc-syntax.js';
import { touch } from './effects.js';
import { analyzeAssignments, setsVariables } from './env-assignments.js';
import { filteredHarmlessly } from './env-filter.js';
import { evaluatedAgain } from './evaluated-again.js';
import { gnuArgs } from './gnu-options.js';
import { judgeLastingChanges } from './lasting-changes.js';
import { runScriptOperand, runWrappedShell } from './operand-shapes.js';
import { applyOptionEffects } from './option-effects.js';
import { forParser, parserViews, unterminatedHereDoc } from './parser-input.js';
import { foundFileLine } from './piped-lines.js';
import { plainCommand } from './plain-command.js';
import { BUILD_TOOL_PROGRAMS } from './programs/build-tools.js';
import { CREDENTIAL_PROGRAMS } from './programs/credentials.js';
import { DESKTOP_PROGRAMS } from './programs/desktop.js';
import { DISCOVERY, DISCOVERY_PROGRAMS } from './programs/discovery.js';
import { ENVIRONMENT_PROGRAMS, environmentInAnyCommand } from './programs/environment.js';
import { FILE_PROGRAMS } from './programs/files.js';
import { GIT_PROGRAMS } from './programs/git.js';
import { INFRA_PROGRAMS } from './programs/infra.js';
import { INTERPRETER_PROGRAMS } from './programs/interpreters.js';
import { NET_PROGRAMS } from './programs/net.js';
import { PACKAGE_PROGRAMS } from './programs/packages.js';
import { PROJECT_SCRIPT_PROGRAMS } from './programs/project-scripts.js';
import { PYTHON_RUNNER_PROGRAMS, RUNNER_CONFIG } from './programs/python-runners.js';
import { SYSTEM_PROGRAMS } from './programs/system.js';
import { TASK_RUNNER_PROGRAMS } from './programs/task-runners.js';
import { TOOL_FILE_PROGRAMS } from './programs/tool-files.js';
import { wardInArgv } from './programs/ward.js';
import { collectCommands, display, type SimpleCommand, UNKNOWN } from './script.js';
import { judgeFileCopied, judgeScriptRun } from './script-written.js';
import { copiesTerminal, startsTerminalShell } from './terminal-shells.js';
import { joinCwd } from './variables.js';
import {
  FETCH_AND_RUN,
  INTERACTIVE_SUBCOMMANDS,
  PASS_THROUGH,
  RUNNER_VALUE_OPTIONS,
  RUNNERS,
  SKIP_OPERANDS,
} from './wrappers.js';
import { scanWrittenText } from './written-text.js';

const TABLES = [
  FILE_PROGRAMS,
  NET_PROGRAMS,
  GIT_PROGRAMS,
  SYSTEM_PROGRAMS,
  DISCOVERY_PROGRAMS,
  PACKAGE_PROGRAMS,
  PROJECT_SCRIPT_PROGRAMS,
  TASK_RUNNER_PROGRAMS,
  PYTHON_RUNNER_PROGRAMS,
  BUILD_TOOL_PROGRAMS,
  INTERPRETER_PROGRAMS,
  ENVIRONMENT_PROGRAMS,
  CREDENTIAL_PROGRAMS,
  TOOL_FILE_PROGRAMS,
  DESKTOP_PROGRAMS,
];
const HANDLERS = new Map<string, Handler[]>();
for (const table of TABLES)
  for (const [name, h] of Object.entries(table)) HANDLERS.set(name, [...(HANDLERS.get(name) ?? []), h]);
// Infrastructure clients without a model of their own are judged by the shape of their subcommands.
for (const [name, h] of Object.entries(INFRA_PROGRAMS))
  if (!SYSTEM_PROGRAMS[name]) HANDLERS.set(name, [...(HANDLERS.get(name) ?? []), h]);

const MAX_DEPTH = 6;

/**
 * Analyses shell text: parses it, then every simple command in it. Unparseable text is itself a finding.
 * One command of plain words needs no parse (plain-command.ts): the common case skips the WASM grammar.
 */
export function analyzeShell(text: string, ctx: AnalysisContext): void {
  if (ctx.depth > MAX_DEPTH) {
    report(ctx, 'exec.dynamic', 'nesting too deep to follow');
    return;
  }
  // Documentation lists alternatives as `--restart=no|always|on-failure`: a bare word after a `|` with no
  // space is such an alternative (bash would look it up as a program and fail), not a program being run.
  // (A policy choice: `echo x|prog` runs a prog planted on PATH unasked; tldr's `git show commit|tag` forms
  // are textually the same, and writing a program into a PATH directory asks first.)
  if (text.includes('|')) {
    ctx.alternatives ??= new Set();
    for (const m of text.matchAll(/(?<=[^\s|])\|(-{0,2}[a-z0-9][\w.:-]*)(?=[|\s}]|$)/gi))
      ctx.alternatives.add(m[1] ?? '');
  }
  const unprompted = withoutPrompt(text);
  // Bash runs the pasted prompt as a program named `$` (one the agent may have put on PATH): as unknown as any.
  if (unprompted !== text)
    report(ctx, 'exec.unknown-program', '$ (a pasted prompt: bash runs a program named $)');
  text = unprompted;
  const plain = plainCommand(text);
  if (plain) {
    analyzeCommand(plain, { ...ctx, depth: ctx.depth + 1 });
    return;
  }
  const repaired = () => {
    const r = repairDocumentationSyntax(text);
    return r === null ? null : ctx.parser.parse(forParser(r));
  };
  // A command substitution in quotes is text, until bash evaluates that text again: as an array subscript in
  // arithmetic (`let 'a[$(cmd)]'`, `[[ 'a[$(cmd)]' -eq 1 ]]`, `test -v`, `printf -v`, `read`, `declare`, `((…))`,
  // `${y[x]}`), as a prompt (`${x@P}`, `PS4` with `set -x`), or in `${x:-'…'}` where the quotes quote nothing
  // (a here-document body, arithmetic).
  if (unterminatedHereDoc(text))
    report(ctx, 'exec.unparseable', 'a here-document without its delimiter line runs to the end of the text');
  if (evaluatedAgain(text))
    report(ctx, 'exec.dynamic', 'quoted text that bash evaluates again runs a command substitution');
  const [primary, ...others] = parserViews(text);
  const parsed = ctx.parser.parse(primary as string) ?? repaired();
  if (!parsed) {
    report(ctx, 'exec.unparseable', text.length > 60 ? `${text.slice(0, 60)}…` : text);
    return;
  }
  try {
    // Functions the text defines are known programs to it: only real definitions, not text that looks like one
    // (`echo 'prog(){'; prog` runs a prog from PATH).
    for (const def of parsed.root.descendantsOfType('function_definition')) {
      const name = def?.childForFieldName('name')?.text;
      if (!name) continue;
      ctx.functions ??= new Set();
      ctx.functions.add(name);
    }
    analyzeTree(parsed.root, ctx);
  } finally {
    parsed.dispose();
  }
  // The other readings of text the rewrite changed (parser-input.ts): what any of them finds counts too, so a
  // text whose quoting the rewrite misjudges still shows what bash runs. They define no functions of their own.
  for (const view of others) {
    const other = ctx.parser.parse(view);
    if (!other) {
      // The reading without here-document bodies shows what follows a body's real end; unreadable, it
      // cannot vouch for that part (bash runs the lines it reads before a syntax error).
      if (view === others.at(-1) && text.includes('<<'))
        report(ctx, 'exec.unparseable', 'the text after a here-document cannot be read');
      continue;
    }
    try {
      analyzeTree(other.root, { ...ctx, functions: new Set(ctx.functions ?? []) });
    } finally {
      other.dispose();
    }
  }
}

function analyzeTree(root: Node, ctx: AnalysisContext): void {
  const inner = { ...ctx, depth: ctx.depth + 1 };
  // `$PWD` is the directory the command starts in: the workspace (docker run -v "$PWD":/src).
  for (const cmd of collectCommands(root, new Map([['PWD', ctx.workspace]]), foundFileLine))
    analyzeCommand(cmd, inner);
}

/** Shells and interpreters: started with no command or script, they read commands the gate never sees. */
const INTERACTIVE =
  /^(sh|bash|zsh|dash|ksh|mksh|csh|tcsh|fish|ash|elvish|nu|xonsh|yash|busybox|tclsh|wish|expect|irb|pry|python[\d.]*|pypy3?|ipython|node|nodejs|deno|bun|lua[\d.]*|luajit|php|perl|ruby|julia|R|ghci|iex|erl|jshell|scala|clojure|guile|racket|sbcl|ocaml|gdb|lldb|screen|tmux|script)$/;
/** Flags that end the program at once without reading commands. */
const NOT_INTERACTIVE = /^(-V|-v|--version|-h|--help|-n|--syntax-check|-ls|list|ls|-list-sessions)$/;

export function analyzeCommand(cmd: SimpleCommand, ctx: AnalysisContext): void {
  analyzeRedirects(cmd, ctx);
  if (cmd.assigns.length > 0 || setsVariables(cmd.argv[0]))
    analyzeAssignments(makeCall(posix.basename(cmd.argv[0] ?? ''), cmd.argv.slice(1), cmd, ctx));
  runArgv(cmd.argv, cmd, ctx);
}

/** True when the gate has a model of this program: a handler, a catalogue entry or a function of the script. */
function isKnown(name: string, ctx: AnalysisContext): boolean {
  if (ctx.functions?.has(name)) return true;
  for (const n of [
    name,
    name.replace(/\.[\w-]+$/, ''),
    name.replace(/[\d.]+$/, ''),
    name.replace(/-[\d.]+$/, ''),
  ])
    if (HANDLERS.has(n) || KNOWN_PROGRAMS.has(n) || PASS_THROUGH[n] || RUNNERS[n]) return true;
  return false;
}

function analyzeRedirects(cmd: SimpleCommand, ctx: AnalysisContext): void {
  for (const r of cmd.redirects) {
    if (/^\/dev\/(tcp|udp)\//.test(r.target)) {
      report(ctx, cmd.inLoop ? 'net.scan' : 'net.raw-socket', `redirect to ${display(r.target)}`);
      continue;
    }
    if (r.op.includes('&') && /^\d*$|^-$/.test(r.target)) continue;
    if (r.op.startsWith('<')) touch(ctx, r.target, 'read', cmd.cwd);
    else if (r.op.includes('>')) {
      touch(ctx, r.target, 'write', cmd.cwd);
      const program = cmd.argv[0] ?? '';
      if (DISCOVERY.has(program) && r.fd !== '2') {
        const side = probe(ctx);
        const zone = touch(side, r.target, 'write', cmd.cwd);
        if (zone !== 'workspace' && zone !== 'null')
          report(ctx, 'collect.staging', `${program} output to ${r.target}`);
      }
      if (program === 'yes' && !cmd.pipeTo)
        report(ctx, 'exec.unbounded', 'yes with its output discarded never ends');
    }
  }
}

function runArgv(argv: string[], cmd: SimpleCommand, ctx: AnalysisContext): void {
  if (argv.length === 0) {
    for (const h of HANDLERS.get('') ?? []) h(makeCall('', [], cmd, ctx));
    return;
  }
  const head = argv[0] ?? '';
  if (head.includes(UNKNOWN)) {
    // `c${x}at`, `$BIN/tool`: which program runs is known only at run time; its arguments are still data it
    // is given (`c${x}at ~/.ssh/id_rsa` reads the key).
    if (head.startsWith(UNKNOWN) || posix.basename(head).includes(UNKNOWN))
      report(ctx, 'exec.dynamic', `runs a command named at run time (${cmd.raw[0] ?? '?'})`);
    if (!head.startsWith(UNKNOWN)) touch(ctx, head, 'exec', cmd.cwd);
    const call = makeCall(posix.basename(head), argv.slice(1), cmd, ctx);
    scanArguments(call);
    scanPathArguments(call);
    return;
  }
  const name = posix.basename(head);
  ctx.facts.argvs.push(argv);
  if (cmd.assigns.length > 0) ctx.facts.assigned = true;
  wardInArgv(ctx, argv);
  const args = argv.slice(1);
  if (head.includes('/')) {
    touch(ctx, head, 'exec', cmd.cwd);
    judgeScriptRun(makeCall(name, args, cmd, ctx), head, 'exec');
  }
  if (name === 'sudo' || name === 'doas' || name === 'pkexec') {
    if (args.includes('-l') || args.includes('--list')) report(ctx, 'disc.privileges', 'sudo -l');
    report(ctx, 'priv.sudo', `${name} ${args.join(' ')}`.slice(0, 100));
  }
  if (
    (/[^\w.+@,:/~-]/.test(head) || name.startsWith('-')) &&
    !ctx.alternatives?.has(name) &&
    !(isKnown(name, ctx) && !head.includes('/'))
  ) {
    report(ctx, 'exec.unknown-program', `${display(head)} is not a program name`);
    scanArguments(makeCall(name, [head, ...args], cmd, ctx));
    return;
  }
  if (name === 'env' && operands(args, PASS_THROUGH.env).every((a) => a.includes('='))) {
    if (!args.some((a) => a === '-S' || a.startsWith('--split-string')) && !filteredHarmlessly(cmd))
      report(ctx, 'read.env-secrets', `env ${args.join(' ')}`.trim());
  }
  const fetchRun = FETCH_AND_RUN[name];
  if (fetchRun !== undefined) {
    const ops = operands(args, ['-p', '--package', '-c', '--call', '--from', '--with', '--python']);
    const sub = fetchRun ? ops[0] : undefined;
    if (fetchRun === null || (sub !== undefined && fetchRun.test(sub))) {
      const rest = fetchRun === null ? ops : ops.slice(1);
      const pkg = rest[0];
      const explicitPkg = args.some((a) => /^(-p|--package|--from|--with)(=|$)/.test(a));
      if (pkg !== undefined) {
        const bare = pkg.replace(/^@[^/]+\//, '').replace(/@[^@]*$/, '');
        if (explicitPkg || !PROJECT_JS_TOOLS.has(bare) || pkg !== bare)
          report(ctx, 'supply.package-install', `${name} ${args.join(' ')}`.slice(0, 100));
        const start = args.indexOf(pkg);
        runArgv([bare, ...args.slice(start + 1)], cmd, ctx);
      }
      return;
    }
  }
  const runner = RUNNERS[name];
  if (runner) {
    const i = args.findIndex((a) => runner.test(a));
    if (i >= 0 && (i === 0 || args.slice(0, i).every((a) => a.startsWith('-')))) {
      // `pdm run build`: the project's scripts are judged, and a word naming one runs it, not a program.
      const scripts = RUNNER_CONFIG[name]?.(makeCall(name, args, cmd, ctx));
      let rest = args.slice(i + 1);
      if (scripts?.includes(rest.find((a) => !a.startsWith('-')) ?? '')) return;
      while (rest[0]?.startsWith('-') && rest[0] !== '--') {
        if (rest[0] === '-m' || rest[0] === '--module') {
          rest = ['python', ...rest];
          break;
        }
        rest = rest.slice(RUNNER_VALUE_OPTIONS.test(rest[0] ?? '') ? 2 : 1);
      }
      if (rest[0] === '--') rest = rest.slice(1);
      if (name === 'nix-shell' || name === 'pidstat') c0(rest, cmd, ctx);
      else if (rest.length > 0) runArgv(rest, cmd, ctx);
      return;
    }
  }
  // screen's session verbs (-r, -x, -X title) act on a running session instead of starting a program.
  const sessionVerb =
    name === 'screen' && args.some((a) => /^-([xXrRdDQ]|ls|list|wipe|dr|dR|Dr|DR|rd)$/.test(a));
  // `command -v x`, `command -V x` only say what x is.
  const lookup = name === 'command' && args.some((a) => /^-[a-zA-Z]*[vV]/.test(a));
  const pass = sessionVerb || lookup ? undefined : PASS_THROUGH[name];
  if (pass) {
    applyOptionEffects(makeCall(name, args, cmd, ctx));
    let rest = operands(args, pass).slice(SKIP_OPERANDS[name] ?? 0);
    if (name === 'env') {
      // `env NAME=VALUE … prog`: the same assignments as `NAME=VALUE prog` (LD_PRELOAD, BASH_ENV, PATH…).
      const leading = rest.findIndex((a) => !a.includes('='));
      const assigned = leading < 0 ? rest : rest.slice(0, leading);
      if (assigned.length > 0) {
        const assigns = assigned.map((a) => ({
          name: a.slice(0, a.indexOf('=')),
          value: a.slice(a.indexOf('=') + 1),
        }));
        analyzeAssignments(makeCall('env', [], { ...cmd, assigns }, ctx));
      }
      rest = rest.slice(assigned.length);
    }
    if (rest.length === 0 && name === 'screen')
      report(ctx, 'exec.interactive-shell', `screen ${args.join(' ')}`.trim());
    if (rest.length > 0) {
      const restStart = args.indexOf(rest[0] ?? '');
      // `env -C DIR prog`: prog runs in DIR.
      const dir = name === 'env' ? optionValue(args, ['-C', '--chdir']) : undefined;
      const cwd =
        dir === undefined
          ? cmd.cwd
          : /^[/~]/.test(dir) || dir.includes(UNKNOWN)
            ? dir
            : joinCwd(cmd.cwd, dir);
      runArgv(restStart >= 0 ? args.slice(restStart) : rest, { ...cmd, cwd }, ctx);
    }
    return;
  }
  const handlers =
    HANDLERS.get(name) ??
    HANDLERS.get(name.replace(/\.[\w-]+$/, '')) ??
    HANDLERS.get(name.replace(/[\d.]+$/, '')) ??
    [];
  const call = makeCall(name, args, cmd, ctx);
  for (const h of handlers) h(call);
  if (!DATA_ARGS.has(name)) {
    if (handlers.length === 0 && !PASS_THROUGH[name] && !NET_MODELLED.test(name)) runWrappedShell(call);
    runScriptOperand(call, (path) => touch(ctx, path, 'exec', cmd.cwd));
  }
  environmentInAnyCommand(call);
  judgeLastingChanges(call);
  if (cmd.assigns.length > 0 && name !== '')
    for (const h of HANDLERS.get('') ?? []) h(makeCall('', [], cmd, ctx));
  applyOptionEffects(call);
  scanArguments(call);
  if (!FILE_PROGRAMS[name]) scanPathArguments(call);
  scanWrittenText(call);
  judgeFileCopied(call);
  const console = INTERACTIVE_SUBCOMMANDS[name];
  if (console && args.some((a) => console.test(a)))
    report(ctx, 'exec.interactive-shell', `${name} ${args.join(' ')}`.slice(0, 80));
  if (!head.includes('/') && !isKnown(name, ctx) && !ctx.alternatives?.has(name))
    report(ctx, 'exec.unknown-program', name);
  else if (head.includes('/') && SYSTEM_PATH.test(head) && !isKnown(name, ctx))
    report(ctx, 'exec.unknown-program', head);
  if (
    INTERACTIVE.test(name) &&
    (!head.includes('/') || SYSTEM_PATH.test(head)) &&
    (name !== 'php' || args.length === 0 || args.includes('-a')) &&
    cmd.stdinText === undefined &&
    (!cmd.pipeFrom || copiesTerminal(cmd.pipeFrom)) &&
    args.every((a) => a.startsWith('-') && !NOT_INTERACTIVE.test(a)) &&
    !args.some((a) => /^-[a-zA-Z]*[cemEr]$|^--(command|eval|execute)/.test(a)) &&
    !(name === 'tmux' || name === 'screen' || name === 'script' ? args.length > 0 : false)
  )
    report(ctx, 'exec.interactive-shell', args.length > 0 ? `${name} ${args.join(' ')}` : name);
  else if (startsTerminalShell(name, args) && (!head.includes('/') || SYSTEM_PATH.test(head)))
    report(ctx, 'exec.interactive-shell', `${name} ${args.join(' ')}`.slice(0, 80));
}

/** Runs `text` as shell text when it is one argument, or as an argv otherwise (`nix-shell --run 'x'`). */
function c0(rest: string[], cmd: SimpleCommand, ctx: AnalysisContext): void {
  if (rest.length === 1) analyzeShell(rest[0] ?? '', ctx);
  else if (rest.length > 1) runArgv(rest, cmd, ctx);
}
const SYSTEM_PATH = /^\/(usr\/(local\/)?)?s?bin\//;

function makeCall(name: string, args: string[], cmd: SimpleCommand, ctx: AnalysisContext): Call {
  return {
    name,
    args: gnuArgs(name, args),
    cmd,
    ctx,
    cwd: cmd.cwd,
    run: (argv) => runArgv(argv, { ...cmd, argv, raw: argv, redirects: [] }, ctx),
    // A shell started here starts in this directory (`cd ~/.ssh && bash -c 'base32 id_rsa'`).
    shell: (text) =>
      analyzeShell(
        cmd.cwd && !cmd.cwd.includes(UNKNOWN) && !cmd.cwd.includes("'") ? `cd '${cmd.cwd}'\n${text}` : text,
        ctx,
      ),
    trial: (what) => {
      const side = { ...ctx, findings: [], facts: { argvs: [], paths: [], hosts: [] } };
      if (typeof what === 'string') analyzeShell(what, side);
      else runArgv(what, { ...cmd, argv: what, raw: what, redirects: [] }, side);
      return side.findings;
    },
  };
}
