import { describe } from 'vitest';
import { behaviourCases } from './behaviour.case.js';

describe('a debugger or tracer attached to a running process (process-attach.ts)', () => {
  behaviourCases([
    {
      rule: 'proc.attach',
      yes: [
        'strace -f -e trace=read,write -s 9999 -p $(pgrep -f ssh-agent)',
        'strace -fp 1234',
        'strace --attach=1234',
        'ltrace -p 1234',
        'perf trace -p 1234',
        'perf record -g --pid=1234',
        'lldb -p 1234',
        'lldb --attach-pid 1234',
        'lldb -n ssh-agent',
        'py-spy dump --pid 1234',
        'rbspy record -p "$PID"',
        'jmap -dump:file=/tmp/h.hprof 1234',
        'jcmd 1234 GC.heap_dump /tmp/h.hprof',
        'gcore 1234',
        'gdb -p 1234',
        'gdb ./server 1234',
        "gdb -batch -ex 'attach 1234' -ex 'dump memory m.bin 0x1000 0x2000'",
        'dlv attach 1234',
        'sudo strace -p 1',
      ],
      no: [
        'strace ls',
        'strace -f -o trace.txt ./build.sh',
        'ltrace ./a.out',
        'gdb ./prog core',
        'gdb --args ./prog -p 1234',
        'gdb -batch -ex run ./a.out',
        'lldb ./a.out',
        'py-spy record -o profile.svg -- python app.py',
        'perf stat make',
        'perf report -p foo',
        'jcmd -l',
        'jps -l',
      ],
    },
  ]);
});
