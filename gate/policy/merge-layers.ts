import { DEFAULT_LIMITS } from './sandbox-defaults.js';
import type { SandboxPolicyInput } from './sandbox-policy.js';

type Limits = NonNullable<SandboxPolicyInput['limits']>;
const LISTS = ['writable', 'hidden', 'readOnly', 'env', 'allowNet'] as const;

/**
 * Merges the `sandbox:` sections of policy layers, lowest first (org < user < project), before defaults
 * are applied. Lists add up (home's too); a later layer sets workspace and trackFiles; a limit the
 * organisation layer sets is a ceiling later layers may lower but not raise, and so is an organisation's
 * `home.agentCredentials: false`.
 */
export function mergeSandboxLayers(
  layers: readonly { section: SandboxPolicyInput; managed: boolean; tightenOnly?: boolean }[],
): SandboxPolicyInput {
  const out: SandboxPolicyInput = {};
  const ceilings: Limits = {};
  let credentialsLocked = false;
  for (const { section, managed, tightenOnly } of layers) {
    for (const key of LISTS) {
      const add = section[key];
      if (add) out[key] = [...new Set([...(out[key] ?? []), ...add])];
    }
    if (section.home) {
      const home: NonNullable<SandboxPolicyInput['home']> = { ...out.home };
      for (const key of ['readOnly', 'writable'] as const) {
        const add = section.home[key];
        if (add) home[key] = [...new Set([...(home[key] ?? []), ...add])];
      }
      const creds = section.home.agentCredentials;
      if (creds !== undefined && !credentialsLocked) home.agentCredentials = creds;
      if (managed && creds === false) credentialsLocked = true;
      out.home = home;
    }
    if (section.workspace !== undefined) out.workspace = section.workspace;
    if (section.trackFiles !== undefined) out.trackFiles = section.trackFiles;
    if (!section.limits) continue;
    const limits: Limits = { ...out.limits };
    for (const [k, v] of Object.entries(section.limits) as [keyof Limits, number | undefined][]) {
      if (v === undefined) continue;
      const ceiling = ceilings[k];
      // A layer the agent could have written (an untrusted project policy) may only lower a limit.
      const current = limits[k] ?? DEFAULT_LIMITS[k];
      limits[k] = tightenOnly ? Math.min(current, v) : ceiling === undefined ? v : Math.min(ceiling, v);
      if (managed) ceilings[k] = limits[k];
    }
    out.limits = limits;
  }
  return out;
}
