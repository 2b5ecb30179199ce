import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** SHA-256 of a policy file's content, or '' when there is none (or it cannot be read). */
export function fileDigest(path: string): string {
  try {
    return createHash('sha256').update(readFileSync(path)).digest('hex');
  } catch {
    return '';
  }
}

/** The digest of each layer file named (org, user), by path. */
export function layerDigests(layers: {
  org?: string | undefined;
  user?: string | undefined;
}): Record<string, string> {
  const out: Record<string, string> = {};
  for (const path of [layers.org, layers.user]) if (path) out[path] = fileDigest(path);
  return out;
}
