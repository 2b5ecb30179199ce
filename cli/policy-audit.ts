import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { AuditEntry } from '../store/index.js';

/** One policy layer file as loaded: which layer, where, and the SHA-256 of its bytes. */
export interface LoadedLayer {
  layer: string;
  path: string;
  sha256: string;
}

/**
 * The digest of an effective policy: SHA-256 over the layer list (layer, path, content hash), built-in
 * defaults first. The same files give the same digest; any edit to any layer gives a new one.
 */
export function policyDigest(layers: readonly LoadedLayer[]): string {
  const text = ['built-in defaults', ...layers.map((l) => `${l.layer}\t${l.path}\t${l.sha256}`)].join('\n');
  return `sha256:${createHash('sha256').update(text, 'utf8').digest('hex')}`;
}

/** Reads and hashes the layer files (a layer that cannot be read is hashed as "unreadable"). */
export async function loadedLayers(layers: {
  org?: string;
  user?: string;
  project?: string;
}): Promise<LoadedLayer[]> {
  const out: LoadedLayer[] = [];
  for (const layer of ['org', 'user', 'project'] as const) {
    const path = layers[layer];
    if (!path) continue;
    const sha256 = await readFile(path).then(
      (b) => createHash('sha256').update(b).digest('hex'),
      () => 'unreadable',
    );
    out.push({ layer, path, sha256 });
  }
  return out;
}

/**
 * Appends `policy.loaded` (with the digest) the first time this process sees a policy version for a set of
 * layer paths, and again whenever that set's content changes. Entries seen before the audit sink is
 * attached wait for it.
 */
export function createPolicyAudit() {
  const seen = new Map<string, string>();
  let sink: ((e: AuditEntry) => Promise<unknown>) | undefined;
  const waiting: AuditEntry[] = [];
  const send = (e: AuditEntry) => {
    if (sink) sink(e).catch(() => {});
    else if (waiting.length < 1000) waiting.push(e);
  };
  return {
    /** Records a load if its digest is new for these paths. */
    observe(layers: readonly LoadedLayer[], cwd: string): void {
      const key = layers.map((l) => `${l.layer}:${l.path}`).join('|');
      const digest = policyDigest(layers);
      if (seen.get(key) === digest) return;
      if (seen.size > 10_000) seen.clear();
      seen.set(key, digest);
      send({
        actor: 'system',
        action: 'policy.loaded',
        target: cwd,
        details: { digest, sources: ['built-in defaults', ...layers.map((l) => l.path)].join(','), layers },
      });
    },
    attach(append: (e: AuditEntry) => Promise<unknown>): void {
      sink = append;
      for (const e of waiting.splice(0)) send(e);
    },
  };
}
export type PolicyAudit = ReturnType<typeof createPolicyAudit>;
