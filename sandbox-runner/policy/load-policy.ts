import { readFile } from 'node:fs/promises';
import type { SandboxPolicy } from './sandbox-policy.js';

/** Thrown when a policy file cannot be read or does not validate; the message names each bad field. */
export class PolicyError extends Error {
  override readonly name = 'PolicyError';
}

/** Validates (zod, loaded on first use) the `sandbox:` section of a parsed policy document (a missing section means defaults). */
export async function parseSandboxSection(doc: unknown, source = 'policy'): Promise<SandboxPolicy> {
  const { SandboxPolicy } = await import('./sandbox-policy.js');
  const section =
    doc && typeof doc === 'object' && 'sandbox' in doc ? (doc as { sandbox: unknown }).sandbox : {};
  const parsed = SandboxPolicy.safeParse(section ?? {});
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  sandbox.${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new PolicyError(`${source}: invalid sandbox policy\n${lines.join('\n')}`);
  }
  return parsed.data;
}

/** Reads a YAML or JSON policy file (the same file the approval gate reads) and returns its sandbox part. */
export async function loadSandboxPolicyFile(path: string): Promise<SandboxPolicy> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new PolicyError(`${path}: cannot read policy (${(err as Error).message})`);
  }
  let doc: unknown;
  try {
    doc = path.endsWith('.json') ? JSON.parse(text) : (await import('yaml')).parse(text);
  } catch (err) {
    throw new PolicyError(
      `${path}: not valid ${path.endsWith('.json') ? 'JSON' : 'YAML'} (${(err as Error).message})`,
    );
  }
  return await parseSandboxSection(doc, path);
}
