import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createGate } from '../gate.js';
import { discoverPolicyLayers } from './discover.js';
import { PolicyError } from './errors.js';
import { loadPolicy } from './load.js';
import { SandboxPolicy } from './sandbox-policy.js';

async function file(name: string, text: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'ward-policy-'));
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

/** Ward running as another user than the one owning the test's files (root): the project files are trusted. */
const OTHER_UID = 4242;

async function loadError(layers: Parameters<typeof loadPolicy>[0]): Promise<string[]> {
  try {
    await loadPolicy(layers);
  } catch (err) {
    if (err instanceof PolicyError) return err.issues;
    throw err;
  }
  throw new Error('expected a PolicyError');
}

describe('policy validation', () => {
  it('names the file and the exact path of each problem, and says why', async () => {
    const path = await file(
      'project.yaml',
      `mode: relaxed
rules:
  - id: ok
    decision: allow
    reason: fine
    command: { prefix: make }
  - id: bad-regex
    decision: deny
    reason: x
    command: { regex: "([" }
  - id: two-subjects
    decision: ask
    reason: y
    host: example.org
    tool: Edit
`,
    );
    const issues = await loadError({ project: path });
    expect(issues.some((i) => i.startsWith(`${path}: mode:`))).toBe(true);
    expect(issues).toContainEqual(
      expect.stringMatching(/rules\[1\]\.command\.regex: is not a valid regular expression/),
    );
    expect(issues).toContainEqual(
      expect.stringMatching(/rules\[2\]: give exactly one of command, path, host or tool/),
    );
  });

  it('rejects unknown keys and thresholds in the wrong order', async () => {
    const issues = await loadError({ inline: { thresholds: { ask: 0.9, deny: 0.5 }, rulez: [] } });
    expect(issues).toContainEqual(expect.stringMatching(/inline policy: \(root\): .*rulez/i));
    expect(issues).toContainEqual(expect.stringMatching(/thresholds: ask must not exceed deny/));
  });

  it('checks each rule’s match / not_match examples at load and names the rule', async () => {
    const issues = await loadError({
      inline: {
        rules: [
          {
            id: 'no-prod-ssh',
            decision: 'deny',
            reason: 'prod is off limits',
            host: 'prod.*',
            match: ['ssh prod.example.com uptime'],
            not_match: ['ssh dev.example.com'],
          },
          { id: 'wrong', decision: 'ask', reason: 'r', command: { prefix: 'git push' }, match: ['git pull'] },
        ],
      },
    });
    expect(issues).toEqual([`inline policy: rules[1].match[0]: rule 'wrong' does not match "git pull"`]);
  });

  it('reads YAML and JSON files and reports unreadable ones', async () => {
    const json = await file('p.json', JSON.stringify({ mode: 'strict' }));
    expect((await loadPolicy({ user: json })).mode).toBe('strict');
    const issues = await loadError({ user: '/nonexistent/ward.yaml' });
    expect(issues[0]).toMatch(/^\/nonexistent\/ward\.yaml: cannot read/);
  });

  it("runs a project's and a user's patterns in linear time, and refuses one that cannot run so", async () => {
    const rule = (regex: string) =>
      `rules:\n  - { id: r, decision: deny, reason: r, command: { regex: ${JSON.stringify(regex)} } }\n`;
    // (a+)+b backtracks exponentially: 40 a's and a curl held the hook past the agent's timeout.
    const policy = await loadPolicy({ project: await file('p.yaml', rule('(a+)+b')) });
    const gate = await createGate({ policy, workspace: '/w' });
    const command = `echo ${'a'.repeat(40_000)}; curl -s https://api.github.com/`;
    expect(gate.decide({ command }).reasons.map((r) => r.rule_id)).not.toContain('policy.project.r');
    expect(gate.decide({ command: 'echo aaab' }).decision).toBe('deny');
    expect((await loadError({ project: await file('q.yaml', rule('(a)\\1')) }))[0]).toMatch(
      /rules\[0\]: \/\(a\)\\1\/ cannot be checked in linear time/,
    );
    // Linear, but in time that grows with the pattern: a user's or project's patterns are bounded, and so are
    // the examples checked at every load (an 8 KB alternation and a 50 KB example took 6 s per load).
    const huge = `${'(?:a|b)?'.repeat(1000)}Z`;
    expect((await loadError({ project: await file('h.yaml', rule(huge)) }))[0]).toMatch(/patterns over 512/);
    const example = `rules:\n  - { id: r, decision: deny, reason: r, command: { regex: "Z" }, not_match: ["${'a'.repeat(5000)}"] }\n`;
    expect((await loadError({ user: await file('e.yaml', example) }))[0]).toMatch(/examples over 4096/);
    expect((await loadPolicy({ org: await file('ho.yaml', rule(huge)) })).rules).toHaveLength(1);
    // So does the user's (the agent runs as that user); the organisation's may use any pattern.
    expect((await loadError({ user: await file('u.yaml', rule('(a)\\1')) }))[0]).toMatch(/linear time/);
    expect((await loadPolicy({ org: await file('o.yaml', rule('(a)\\1')) })).rules).toHaveLength(1);
  });

  it('refuses, without blocking, a policy that is a FIFO or a device, and one too large to be a policy', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ward-policy-fifo-'));
    const fifo = join(dir, 'policy.yaml');
    // A FIFO with no writer blocked open(): every hook call hung until the agent's timeout let the tool run.
    execFileSync('mkfifo', [fifo]);
    expect((await loadError({ project: fifo }))[0]).toMatch(/cannot read: not a regular file/);
    expect((await loadError({ project: '/dev/urandom' }))[0]).toMatch(/cannot read: not a regular file/);
    const big = await file('big.yaml', `# ${'x'.repeat(1024 * 1024)}\nmode: strict\n`);
    expect((await loadError({ project: big }))[0]).toMatch(/cannot read: larger than 1048576 bytes/);
  });
});

describe('policy layering', () => {
  it('later layers override earlier ones: defaults < user < project', async () => {
    const user = await file('user.yaml', 'mode: strict\n');
    const project = await file('project.yaml', 'mode: autonomous\n');
    const p = await loadPolicy({ user, project, uid: OTHER_UID });
    expect(p.mode).toBe('autonomous');
    expect(p.sources).toEqual(['built-in defaults', user, project]);
  });

  it('an organisation mode cannot be changed below it', async () => {
    const org = await file('org.yaml', 'mode: ci\n');
    const user = await file('user.yaml', 'mode: autonomous\n');
    const issues = await loadError({ org, user });
    expect(issues).toEqual([
      `${user}: mode: the organisation policy sets mode 'ci' and it cannot be overridden`,
    ]);
  });

  it('an organisation deny is not relaxed by a user or project allow', async () => {
    const org = await file(
      'org.yaml',
      'rules:\n  - { id: no-force, decision: deny, reason: history is shared, command: { regex: "git push.*--force" } }\n',
    );
    const project = await file(
      'p.yaml',
      'rules:\n  - { id: yolo, decision: allow, reason: we like it, command: { prefix: git push } }\n',
    );
    const gate = await createGate({
      policy: await loadPolicy({ org, project, uid: OTHER_UID }),
      workspace: '/w',
    });
    const d = gate.decide({ command: 'git push --force origin main' });
    expect(d.decision).toBe('deny');
    expect(d.reasons.map((r) => r.rule_id)).toEqual(
      expect.arrayContaining(['policy.org.no-force', 'policy.project.yolo']),
    );
    expect(gate.decide({ command: 'git push origin main' }).decision).toBe('allow');
  });

  it('org thresholds may only be tightened below it', async () => {
    const org = await file('org.yaml', 'thresholds: { ask: 0.3 }\n');
    const issues = await loadError({ org, inline: { thresholds: { ask: 0.6 } } });
    expect(issues).toEqual([
      'inline policy: thresholds: may only be made stricter than the organisation policy',
    ]);
  });

  it('deny_hosts from any layer win over allow_hosts', async () => {
    const policy = await loadPolicy({
      org: await file('o.yaml', 'network: { deny_hosts: ["github.com"] }\n'),
    });
    const gate = await createGate({ policy, workspace: '/w' });
    expect(gate.decide({ command: 'git clone https://github.com/a/b' }).decision).toBe('deny');
  });
});

describe('the example policy', () => {
  it('loads, and its rule examples hold', async () => {
    const path = new URL('./example.yaml', import.meta.url).pathname;
    const p = await loadPolicy({ project: path, uid: OTHER_UID });
    expect(p.rules.map((r) => r.id)).toEqual([
      'deploys-need-a-look',
      'no-etc-writes',
      'bastion-ok',
      'github-reads',
    ]);
    expect(p.hosts.deny).toContain('*.paste.example');
    expect(p.sandbox).toMatchObject({ allowNet: ['registry.npmjs.org'], limits: { timeoutS: 900 } });
  });
});

describe('the sandbox: section (one file for the gate and the sandbox)', () => {
  it('is validated by the sandbox schema, with exact paths', async () => {
    const path = await file(
      'both.yaml',
      'mode: strict\nsandbox:\n  allowNet: ["https://x/y"]\n  hiden: [/data]\n  limits: { processes: 1 }\n',
    );
    const issues = await loadError({ project: path });
    expect(issues).toContainEqual(expect.stringMatching(/both\.yaml: sandbox\.allowNet\[0\]: .*HOST:PORT/));
    expect(issues).toContainEqual(expect.stringMatching(/both\.yaml: sandbox: .*hiden/));
    expect(issues).toContainEqual(expect.stringMatching(/both\.yaml: sandbox\.limits\.processes: /));
  });

  it('defaults without a section; layers merge: lists add up, org limits are ceilings', async () => {
    expect((await loadPolicy({})).sandbox).toEqual(SandboxPolicy.parse({}));
    const org = await file('org.yaml', 'sandbox:\n  hidden: [/srv/keys]\n  limits: { timeoutS: 60 }\n');
    const user = await file(
      'user.yaml',
      'sandbox:\n  trackFiles: false\n  limits: { timeoutS: 30, cpuS: 20 }\n',
    );
    const project = await file(
      'project.yaml',
      'rules: []\nsandbox:\n  hidden: [secrets]\n  allowNet: [pypi.org]\n  limits: { timeoutS: 3600 }\n',
    );
    const { sandbox } = await loadPolicy({ org, user, project, uid: OTHER_UID });
    expect(sandbox.hidden).toEqual(['/srv/keys', 'secrets']);
    expect(sandbox.allowNet).toEqual(['pypi.org']);
    expect(sandbox.trackFiles).toBe(false);
    // The org's 60 s is a ceiling: the project's 3600 is capped at it; unset limits keep the defaults.
    expect(sandbox.limits).toMatchObject({ timeoutS: 60, cpuS: 20, memoryMb: 4096 });
  });
});

describe('sandbox.home is the user’s and the organisation’s to set', () => {
  it('refuses it in a project policy (it travels with the repository the agent works on)', async () => {
    const project = await file(
      'project.yaml',
      'sandbox:\n  home: { readOnly: [.config, .local/share], agentCredentials: true }\n',
    );
    const issues = await loadError({ project });
    expect(issues).toContainEqual(
      expect.stringMatching(/project\.yaml: sandbox\.home: only your own policy/),
    );
  });

  it('takes it from the user and organisation layers', async () => {
    const user = await file('user.yaml', 'sandbox:\n  home: { writable: [.npm], agentCredentials: true }\n');
    const org = await file('org.yaml', 'sandbox:\n  home: { readOnly: [.m2/repository] }\n');
    const { sandbox } = await loadPolicy({ org, user });
    expect(sandbox.home).toEqual({
      readOnly: ['.m2/repository'],
      writable: ['.npm'],
      agentCredentials: true,
    });
  });
});

describe('policy discovery (ward exec, run, hook and gate)', () => {
  it('finds org < user < project files that exist; --policy replaces the project file', async () => {
    const root = await mkdtemp(join(tmpdir(), 'ward-discover-'));
    const home = join(root, 'home');
    const ws = join(root, 'ws');
    await mkdir(join(home, '.ward'), { recursive: true });
    await mkdir(join(ws, '.ward'), { recursive: true });
    const org = join(root, 'org.yaml');
    expect(discoverPolicyLayers({ workspace: ws, home, orgFile: org })).toEqual({ org });
    await writeFile(join(home, '.ward', 'policy.yaml'), 'mode: strict\n');
    await writeFile(join(ws, '.ward', 'policy.yaml'), 'mode: autonomous\n');
    expect(discoverPolicyLayers({ workspace: ws, home, mode: 'ci' })).toEqual({
      user: join(home, '.ward', 'policy.yaml'),
      project: join(ws, '.ward', 'policy.yaml'),
      inline: { mode: 'ci' },
    });
    expect(discoverPolicyLayers({ workspace: ws, home, policyFile: join(root, 'p.yaml') }).project).toBe(
      join(root, 'p.yaml'),
    );
  });
});
