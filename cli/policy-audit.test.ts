import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AuditEntry } from '../store/index.js';
import { createPolicyAudit, loadedLayers, policyDigest } from './policy-audit.js';

describe('policy load audit', () => {
  it('records each policy version once, and again when a layer file changes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ward-policy-'));
    const project = join(dir, 'policy.yaml');
    writeFileSync(project, 'mode: strict\n');
    const audit = createPolicyAudit();
    const seen: AuditEntry[] = [];
    audit.observe(await loadedLayers({ project }), dir); // before the sink exists: kept
    audit.attach(async (e) => seen.push(e));
    audit.observe(await loadedLayers({ project }), dir); // same version: not again
    // The agent edits its project's policy: a new version, recorded with a new digest.
    writeFileSync(project, 'mode: autonomous\n');
    audit.observe(await loadedLayers({ project }), dir);
    expect(seen.map((e) => e.action)).toEqual(['policy.loaded', 'policy.loaded']);
    const [a, b] = seen.map((e) => (e.details as { digest: string }).digest);
    expect(a).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(b).not.toBe(a);
    expect(policyDigest([])).not.toBe(a);
    expect(seen[1]?.details).toMatchObject({ sources: `built-in defaults,${project}` });
  });
});
