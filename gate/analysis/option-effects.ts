import { KNOWN_PROGRAMS } from '../catalogue/programs.js';
import type { Call } from './call.js';
import { report } from './context.js';
import { touch } from './effects.js';
import { hostOf } from './network.js';
import { ANY_PROGRAM_OPTIONS, OPTION_EFFECTS, type OptionRow } from './option-table.js';
import { judgeOutputFiles, OUTPUT_OPTIONS } from './output-files.js';
import { classifyPath } from './paths.js';
import { judgeProcessAttach } from './process-attach.js';

export { type Effect, OPTION_EFFECTS, type OptionRow } from './option-table.js';

const BY_PROGRAM = new Map<string, OptionRow[]>();
for (const row of [...OPTION_EFFECTS, ...OUTPUT_OPTIONS])
  for (const p of row.programs) BY_PROGRAM.set(p, [...(BY_PROGRAM.get(p) ?? []), row]);

/**
 * Applies the option table to one call: what its options and script commands run, load, read or write, the
 * files its options or operands name as its output (output-files.ts), and the running process it attaches to
 * (process-attach.ts). Every call passes here, a wrapper's (`strace -p`, `time -o`) as well as a handler's.
 */
export function applyOptionEffects(c: Call): void {
  const rows = [...(BY_PROGRAM.get(c.name) ?? []), ...ANY_PROGRAM_OPTIONS];
  for (const row of rows) {
    if (row.script) {
      const texts = [
        ...c.args,
        c.args.join(' '),
        c.cmd.stdinText ?? '',
        c.cmd.pipeFrom ? c.cmd.pipeFrom.argv.slice(1).join(' ') : '',
      ];
      for (const t of texts) {
        // Bounded: a script longer than this is judged on its start (and asks for other reasons).
        const m = row.script.exec(t.length > 4000 ? t.slice(0, 4000) : t);
        // The first group is shown; the last one (the command or path itself, when the row has two) acts.
        if (!m) continue;
        const groups = m.slice(1).filter((g): g is string => g !== undefined);
        apply(c, row, `${c.name} ${groups[0] ?? m[0]}`, groups.at(-1) ?? m[0]);
      }
      continue;
    }
    if (row.value?.source === '^$') {
      // A flag: its presence is the effect (`--shell-escape`, vim's `+cmd`); a value attached to it is the
      // option's first capture group (gawk's `--dump-variables=FILE`).
      for (const a of c.args) {
        const m = (row.option as RegExp).exec(a);
        if (m) apply(c, row, `${c.name} ${a}`, firstGroup(m) ?? a);
      }
      continue;
    }
    for (const { name, value } of optionValues(c.args, row.option as RegExp, !SINGLE_DASH_LONG.has(c.name))) {
      const m = (row.value ?? /^(.*)$/s).exec(value);
      if (!m) continue;
      const target = firstGroup(m) ?? value;
      apply(c, row, `${c.name} ${name}${value ? ` ${value}` : ''}`, target === '' ? name : target);
    }
  }
  judgeOutputFiles(c);
  judgeProcessAttach(c);
}

/** A remote-shell transport named alone (`rsync -e ssh`): it goes where the outer command's operands say. */
const BARE_TRANSPORT = /^(?:\/usr\/bin\/)?(?:ssh|rsh|autossh|mosh)$/;

/** Shells and interpreters: handing one to an option is running arbitrary code. */
const INTERPRETERS =
  /^(sh|bash|zsh|dash|ksh|mksh|ash|fish|csh|tcsh|busybox|python[\d.]*|perl|ruby|node|php|lua|tclsh|expect|env|xargs|eval|exec|nohup|sudo)$/;

/** True for a catalogued (or workspace) program with plain words: no shell syntax, no interpreter. */
function plainKnownCommand(command: string, c: Call): boolean {
  if (/[;&|`$<>(){}!\\\n'"]/.test(command)) return false;
  const [head = ''] = command.trim().split(/\s+/);
  const name = head.slice(head.lastIndexOf('/') + 1);
  if (INTERPRETERS.test(name)) return false;
  if (head.startsWith('./'))
    return classifyPath(head, { workspace: c.ctx.workspace, cwd: c.cwd }).zone === 'workspace';
  return !head.includes('/') || /^\/(usr\/)?(local\/)?s?bin\//.test(head) ? KNOWN_PROGRAMS.has(name) : false;
}

function firstGroup(m: RegExpExecArray): string | undefined {
  return m.slice(1).find((g) => g !== undefined);
}

function apply(c: Call, row: OptionRow, shown: string, target: string): void {
  const detail = shown.length > 120 ? `${shown.slice(0, 120)}…` : shown;
  switch (row.effect) {
    case 'runs': {
      const command = target.replace(/^[\w.:-]*=(?=\S)/, '');
      // `tar -I pigz`, `rsync -e 'ssh -p 2222'`: a known, non-interpreter program with plain options is
      // what the option is for; it is still analysed as the command it is. Anything else is reported.
      const helper = row.helper && plainKnownCommand(command, c);
      if (!helper) report(c.ctx, 'exec.option-command', detail);
      // A bare transport (`rsync -e ssh`) has no destination of its own: the outer command's operands say
      // where it goes. With arguments (`-e 'ssh -o ProxyCommand=…'`) it is analysed as the command it is.
      if (!(helper && BARE_TRANSPORT.test(command.trim()))) c.shell(command);
      break;
    }
    case 'runs-editor':
      report(c.ctx, 'exec.option-command', detail);
      break;
    case 'runs-file':
      touch(c.ctx, target, 'exec', c.cwd);
      break;
    case 'unsafe':
      report(c.ctx, 'evade.disable-security', detail);
      break;
    case 'loads':
      report(c.ctx, 'exec.library-load', detail);
      break;
    case 'reads':
      if (target !== '-') touch(c.ctx, target, 'read', c.cwd);
      break;
    case 'writes':
      if (target !== '-') touch(c.ctx, target, 'write', c.cwd);
      break;
    case 'connects': {
      const d = hostOf(target);
      if (d) {
        c.ctx.facts.hosts.push(d.host);
        report(c.ctx, 'net.remote-endpoint', `${c.name} ${target}`);
      }
      break;
    }
  }
}

/** Programs whose options are words after one dash (`gdb -ex`, `find -exec`): `-ex` is not `-e -x`. */
const SINGLE_DASH_LONG = new Set([
  'gdb',
  'cgdb',
  'find',
  'java',
  'ffmpeg',
  'ffprobe',
  'openssl',
  'xterm',
  'convert',
  'magick',
  'pwsh',
  'powershell',
]);

/**
 * Every (option, value) pair whose option name matches: `-o v`, `-ov` (one letter), `--opt v`, `--opt=v`, and
 * with `clusters`, a group of one-letter flags ending in the option (`-ave v`).
 */
function optionValues(
  args: readonly string[],
  option: RegExp,
  clusters = true,
): { name: string; value: string }[] {
  const out: { name: string; value: string }[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? '';
    if (!a.startsWith('-') && !a.startsWith('+')) continue;
    if (a.startsWith('+')) {
      if (option.test(a)) out.push({ name: a, value: '' });
      continue;
    }
    const eq = a.indexOf('=');
    if (eq > 2 && option.test(a.slice(0, eq))) {
      out.push({ name: a.slice(0, eq), value: a.slice(eq + 1) });
      continue;
    }
    if (option.test(a)) {
      out.push({ name: a, value: args[i + 1] ?? '' });
      i++;
      continue;
    }
    if (
      /^-[a-zA-Z]$/.test(a.slice(0, 2)) &&
      !a.startsWith('--') &&
      a.length > 2 &&
      option.test(a.slice(0, 2))
    )
      out.push({ name: a.slice(0, 2), value: a.slice(2) });
    // A cluster of one-letter flags ending in the option (`script -qc CMD`, `rsync -ave CMD`).
    else if (clusters && /^-[a-zA-Z]{2,}$/.test(a) && option.test(`-${a.slice(-1)}`)) {
      out.push({ name: `-${a.slice(-1)}`, value: args[i + 1] ?? '' });
      i++;
    }
  }
  return out;
}
