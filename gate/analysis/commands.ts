import { posix } from 'node:path';
import type { Call, Handler } from './call.js';
import { operands } from './call.js';
import { type AnalysisContext, probe, report } from './context.js';
import { touch } from './effects.js';
import { plainCommand } from './plain-command.js';
import { DISCOVERY, DISCOVERY_PROGRAMS } from './programs/discovery.js';
import { FILE_PROGRAMS } from './programs/files.js';
import { INTERPRETER_PROGRAMS } from './programs/interpreters.js';
import { NET_PROGRAMS } from './programs/net.js';
import { PACKAGE_PROGRAMS } from './programs/packages.js';
import { SYSTEM_PROGRAMS } from './programs/system.js';
import { collectCommands, display, type SimpleCommand, UNKNOWN } from './script.js';

const TABLES = [
  FILE_PROGRAMS,
  NET_PROGRAMS,
  SYSTEM_PROGRAMS,
  DISCOVERY_PROGRAMS,
  PACKAGE_PROGRAMS,
  INTERPRETER_PROGRAMS,
];
const HANDLERS = new Map<string, Handler[]>();
for (const table of TABLES)
  for (const [name, h] of Object.entries(table)) HANDLERS.set(name, [...(HANDLERS.get(name) ?? []), h]);

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
  const plain = plainCommand(text);
  if (plain) {
    analyzeCommand(plain, { ...ctx, depth: ctx.depth + 1 });
    return;
  }
  const parsed = ctx.parser.parse(text);
  if (!parsed) {
    report(ctx, 'exec.unparseable', text.length > 60 ? `${text.slice(0, 60)}…` : text);
    return;
  }
  try {
    const inner = { ...ctx, depth: ctx.depth + 1 };
    for (const cmd of collectCommands(parsed.root)) analyzeCommand(cmd, inner);
  } finally {
    parsed.dispose();
  }
}

/** Wrappers that run their arguments as a command, with the options that take a value. */
const PASS_THROUGH: Record<string, readonly string[]> = {
  nohup: [],
  time: ['-f', '-o'],
  nice: ['-n'],
  ionice: ['-c', '-n', '-p'],
  stdbuf: ['-i', '-o', '-e'],
  timeout: ['-s', '-k', '--signal', '--kill-after'],
  command: [],
  builtin: [],
  exec: ['-a'],
  setsid: [],
  unbuffer: [],
  caffeinate: ['-t', '-w'],
  strace: ['-o', '-e', '-p', '-s'],
  ltrace: ['-o', '-e', '-p'],
  sudo: ['-u', '-g', '-C', '-D', '-h', '-p', '-r', '-t', '-U'],
  doas: ['-u', '-C'],
  pkexec: ['--user'],
  chroot: ['--userspec', '--groups'],
  env: ['-u', '-C', '-S', '--unset', '--chdir'],
};

export function analyzeCommand(cmd: SimpleCommand, ctx: AnalysisContext): void {
  analyzeRedirects(cmd, ctx);
  runArgv(cmd.argv, cmd, ctx);
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
    if (head.startsWith(UNKNOWN))
      report(ctx, 'exec.dynamic', `runs a command named at run time (${cmd.raw[0] ?? '?'})`);
    else touch(ctx, head, 'exec', cmd.cwd);
    return;
  }
  const name = posix.basename(head);
  ctx.facts.argvs.push(argv);
  if (head.includes('/')) touch(ctx, head, 'exec', cmd.cwd);
  const args = argv.slice(1);
  if (name === 'sudo' || name === 'doas' || name === 'pkexec') {
    if (args.includes('-l') || args.includes('--list')) report(ctx, 'disc.privileges', 'sudo -l');
    report(ctx, 'priv.sudo', `${name} ${args.join(' ')}`.slice(0, 100));
  }
  const pass = PASS_THROUGH[name];
  if (pass) {
    let rest = name === 'timeout' ? operands(args, pass).slice(1) : operands(args, pass);
    if (name === 'env')
      rest = rest.filter((a, i) => !(a.includes('=') && rest.slice(0, i).every((b) => b.includes('='))));
    if (rest.length > 0) {
      const restStart = args.indexOf(rest[0] ?? '');
      runArgv(restStart >= 0 ? args.slice(restStart) : rest, cmd, ctx);
    }
    return;
  }
  const handlers =
    HANDLERS.get(name) ??
    HANDLERS.get(name.replace(/\.[\w-]+$/, '')) ??
    HANDLERS.get(name.replace(/[\d.]+$/, '')) ??
    [];
  for (const h of handlers) h(makeCall(name, args, cmd, ctx));
  if (cmd.assigns.length > 0 && name !== '')
    for (const h of HANDLERS.get('') ?? []) h(makeCall('', [], cmd, ctx));
}

function makeCall(name: string, args: string[], cmd: SimpleCommand, ctx: AnalysisContext): Call {
  return {
    name,
    args,
    cmd,
    ctx,
    cwd: cmd.cwd,
    run: (argv) => runArgv(argv, { ...cmd, argv, raw: argv, redirects: [] }, ctx),
    shell: (text) => analyzeShell(text, ctx),
  };
}
