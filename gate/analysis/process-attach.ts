/**
 * Attaching to a running process: a debugger, tracer or profiler given another process's id reads that
 * process's memory and the data of its system calls (the tokens and keys an agent, a browser or ssh-agent holds)
 * and can change what it runs. One rule whatever the tool: a program of this kind with a process where it takes
 * one (`strace -fp PID`, `gdb -p PID`, `py-spy dump --pid PID`, `jmap -dump:… PID`, `gcore PID`,
 * `dlv attach PID`, `gdb -ex 'attach PID'`). The same tools starting a command of their own (`strace ls`,
 * `py-spy record -- python x.py`, `gdb ./prog core`) watch only what they start. `/proc/PID/mem` and
 * `/proc/PID/environ` read directly are secret places (paths.ts).
 */
import type { Call } from './call.js';
import { report } from './context.js';
import { UNKNOWN } from './script.js';

/**
 * How a tool is given the process besides the shared PID_OPTIONS: `pidOptions`, more options that take its id;
 * `byName`, options that take its name (`lldb -n ssh-agent`); `operand`, a process id among its operands
 * (`gcore PID`) or `any` operand (a JVM's main class serves `jcmd` as well as its id); `valued`, options whose
 * values are not operands.
 */
interface Tracer {
  pidOptions?: readonly string[];
  byName?: readonly string[];
  operand?: 'pid' | 'any';
  valued?: readonly string[];
}

const GDB: Tracer = {
  operand: 'pid',
  valued: [
    '-ex',
    '-iex',
    '-x',
    '-ix',
    '-cd',
    '-d',
    '-s',
    '-e',
    '-se',
    '-c',
    '-core',
    '-b',
    '-l',
    '-tty',
    '-D',
  ],
};
const JVM: Tracer = { operand: 'pid', valued: ['-J'] };

/** Debuggers, tracers and profilers that can attach to a process they did not start. */
const TRACERS: Record<string, Tracer> = {
  strace: {},
  ltrace: {},
  gdb: GDB,
  cgdb: GDB,
  'gdb-multiarch': GDB,
  gdbserver: { operand: 'pid', valued: ['--wrapper', '--debug-file', '--debug-format'] },
  lldb: { byName: ['-n', '--attach-name'] },
  perf: { pidOptions: ['-t', '--tid'] },
  'py-spy': {},
  rbspy: {},
  austin: {},
  memray: {},
  heaptrack: {},
  bpftrace: {},
  dtrace: {},
  dtruss: {},
  frida: { byName: ['-n', '-N', '--attach-name', '--attach-identifier'] },
  'frida-trace': { byName: ['-n', '-N', '--attach-name', '--attach-identifier'] },
  procdump: {},
  scanmem: { operand: 'pid' },
  'eu-stack': {},
  pstack: { operand: 'pid' },
  gstack: { operand: 'pid' },
  gcore: { operand: 'pid', valued: ['-o'] },
  pyrasite: { operand: 'pid' },
  jattach: { operand: 'pid' },
  jmap: JVM,
  jstack: JVM,
  jinfo: JVM,
  jcmd: { operand: 'any', valued: ['-J', '-f'] },
  jhsdb: {},
  dlv: {},
};

/** Options that take a process id, in every tool above that has one (`strace --attach=PID` too). */
const PID_OPTIONS = ['-p', '--pid', '--attach-pid', '--attach'];

/** A process id, a list of them, or one known only at run time (`$(pgrep -f ssh-agent)`, `"$PID"`). */
const isPid = (v: string) => /^\d+(?:[,\s]+\d+)*$/.test(v) || v.includes(UNKNOWN);
/** A debugger's own command that attaches (`gdb -ex 'attach 42'`, `lldb -o 'process attach --pid 42'`). */
const ATTACH_COMMAND = /(?:^|[;\n]|\bprocess)\s*attach\s+(?:-p\s+|--pid\s+)?[\d$]/;

/** Reports `proc.attach` when this call attaches a debugger or tracer to a running process. */
export function judgeProcessAttach(c: Call): void {
  const tool = TRACERS[c.name];
  if (tool && attaches(c.args, tool))
    report(c.ctx, 'proc.attach', `${c.name} ${c.args.join(' ')}`.replaceAll(UNKNOWN, '…').slice(0, 100));
}

function attaches(args: readonly string[], tool: Tracer): boolean {
  if (args.some((a) => ATTACH_COMMAND.test(a.replaceAll(UNKNOWN, '$')))) return true;
  const byName = tool.byName ?? [];
  const names = [...PID_OPTIONS, ...(tool.pidOptions ?? []), ...byName];
  const ops: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? '';
    // What follows is the command the tool starts (`strace -- cmd`, `gdb --args prog -p 1`).
    if (a === '--' || a === '--args') break;
    const option = optionAt(args, i, names);
    if (option) {
      // A process's name (`lldb -n ssh-agent`) is as much a process as its id.
      if (byName.includes(option.name) || isPid(option.value)) return true;
      i += option.took;
    } else if (a.startsWith('-')) {
      if (tool.valued?.includes(a)) i++;
    } else ops.push(a);
  }
  // `dlv attach PID`, `memray attach PID`: the subcommand says it.
  if (ops[0] === 'attach' && ops.length > 1) return true;
  if (tool.operand === 'any') return ops.length > 0;
  return tool.operand === 'pid' && ops.some(isPid);
}

/**
 * The option of `names` at `args[i]`, given as `-p V`, `-pV`, `--pid V`, `--pid=V` or a cluster of flags ending
 * in it (`strace -fp V`): its name, its value and how many arguments after it the value took.
 */
function optionAt(
  args: readonly string[],
  i: number,
  names: readonly string[],
): { name: string; value: string; took: number } | undefined {
  const a = args[i] ?? '';
  const eq = /^(--[\w-]+)=(.*)$/s.exec(a);
  if (eq) return names.includes(eq[1] ?? '') ? { name: eq[1] ?? '', value: eq[2] ?? '', took: 0 } : undefined;
  if (names.includes(a)) return { name: a, value: args[i + 1] ?? '', took: 1 };
  if (!/^-[a-zA-Z]/.test(a)) return undefined;
  const short = names.filter((n) => /^-\w$/.test(n));
  if (/^-[a-zA-Z]+$/.test(a)) {
    const last = short.find((n) => a.endsWith(n.slice(1)));
    return last ? { name: last, value: args[i + 1] ?? '', took: 1 } : undefined;
  }
  const first = short.find((n) => a.startsWith(n));
  return first ? { name: first, value: a.slice(2), took: 0 } : undefined;
}
