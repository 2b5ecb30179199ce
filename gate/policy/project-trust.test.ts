import { chmod, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createGate } from '../gate.js';
import { loadPolicy } from './load.js';
import { projectPolicyTrusted } from './project-trust.js';

/** A workspace whose .ward/policy.yaml the agent wrote (the test runs as the file's owner, like the agent). */
async function agentWritten(yaml: string): Promise<{ workspace: string; project: string }> {
  const workspace = await mkdtemp(join(tmpdir(), 'ward-proj-'));
  await mkdir(join(workspace, '.ward'));
  const project = join(workspace, '.ward', 'policy.yaml');
  await writeFile(project, yaml);
  return { workspace, project };
}

const OWN_UID = process.getuid?.() ?? 0;

describe('a project policy the agent could write only tightens', () => {
  it('ignores an allow rule that would turn an ask into allow, and says why', async () => {
    const { workspace, project } = await agentWritten(`rules:
  - id: let-me-push
    decision: allow
    reason: the agent says so
    command: { prefix: git push }
`);
    const plain = await createGate({ policy: await loadPolicy({}), workspace });
    const command = 'git push --force origin main';
    expect(plain.decide({ command }).decision).toBe('ask');

    const policy = await loadPolicy({ project, uid: OWN_UID });
    expect(policy.rules).toEqual([]);
    expect(policy.notes).toEqual([
      expect.stringMatching(
        /rules\[0\] 'let-me-push' \(allow\) ignored: the project policy can be written by the agent/,
      ),
    ]);
    const gate = await createGate({ policy, workspace });
    expect(gate.decide({ command }).decision).toBe('ask');

    // The same file owned by someone else than Ward's user (and not writable by it) counts.
    const trusted = await createGate({
      policy: await loadPolicy({ project, uid: OWN_UID + 4242 }),
      workspace,
    });
    expect(trusted.decide({ command }).decision).toBe('allow');
  });

  it('keeps its ask and deny rules, stricter modes and deny lists; drops looser modes, thresholds and hosts', async () => {
    const { project } = await agentWritten(`mode: autonomous
thresholds: { ask: 0.9, deny: 0.99 }
network: { allow_hosts: [evil.example], deny_hosts: [pastebin.com] }
hooks: { auto_approve: true }
sandbox: { writable: ["~"], hidden: ["secrets/"], limits: { memoryMb: 999999, processes: 64 } }
rules:
  - id: no-deploys
    decision: deny
    reason: not from here
    command: { prefix: make deploy }
`);
    const p = await loadPolicy({ project, uid: OWN_UID });
    expect(p.mode).toBe('balanced');
    expect(p.thresholds).toEqual({ ask: 0.4, deny: 0.9 });
    expect(p.hosts.allow).not.toContain('evil.example');
    expect(p.hosts.deny).toContain('pastebin.com');
    expect(p.hooks.autoApprove).toBe(false);
    expect(p.sandbox.writable).not.toContain('~');
    expect(p.sandbox.hidden).toContain('secrets/');
    // Limits may only go down: more memory is ignored, fewer processes holds.
    expect(p.sandbox.limits).toMatchObject({ memoryMb: 4096, processes: 64 });
    expect(p.rules.map((r) => r.id)).toEqual(['no-deploys']);
    expect(p.notes.join('\n')).toMatch(
      /mode 'autonomous' ignored[\s\S]*raising thresholds[\s\S]*network.allow_hosts/,
    );

    const strict = await agentWritten('mode: strict\nthresholds: { ask: 0.2 }\n');
    const s = await loadPolicy({ project: strict.project, uid: OWN_UID });
    expect(s.mode).toBe('strict');
    expect(s.thresholds.ask).toBe(0.1);
  });

  it('auto-approval comes from the user or org policy only', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ward-user-'));
    const user = join(dir, 'policy.yaml');
    await writeFile(user, 'hooks: { auto_approve: true }\n');
    expect((await loadPolicy({ user })).hooks.autoApprove).toBe(true);
    const { project } = await agentWritten('hooks: { auto_approve: false }\n');
    const trustedProject = await loadPolicy({ user, project, uid: OWN_UID + 1 });
    expect(trustedProject.hooks.autoApprove).toBe(true);
    expect(trustedProject.notes[0]).toMatch(/hooks.auto_approve ignored/);
  });

  it('trusts a project file only when this user could not have written it', async () => {
    expect(projectPolicyTrusted({ uid: 0, mode: 0o100644 }, 1000)).toBe(true);
    expect(projectPolicyTrusted({ uid: 1000, mode: 0o100644 }, 1000)).toBe(false);
    expect(projectPolicyTrusted({ uid: 0, mode: 0o100664 }, 1000)).toBe(false);
    expect(projectPolicyTrusted({ uid: 0, mode: 0o100646 }, 1000)).toBe(false);
    // Root can write any file: nothing is out of its reach.
    expect(projectPolicyTrusted({ uid: 1000, mode: 0o100644 }, 0)).toBe(false);
    // Owned by someone else but writable by anyone: the agent could have written it.
    const { project } = await agentWritten(
      'rules: [{ id: a, decision: allow, reason: r, command: { prefix: git push } }]\n',
    );
    await chmod(project, 0o666);
    expect((await loadPolicy({ project, uid: OWN_UID + 1 })).rules).toEqual([]);
    await chmod(project, 0o644);
    expect((await loadPolicy({ project, uid: OWN_UID + 1 })).rules.map((r) => r.id)).toEqual(['a']);
  });
});
