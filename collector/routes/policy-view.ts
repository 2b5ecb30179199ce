import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { PolicyFile, type PolicyLayers, type ResolvedPolicy } from '../../gate/index.js';
import type { PolicySource, PolicyView } from '../../schema/index.js';

export type { PolicySource, PolicyView, Sourced } from '../../schema/index.js';

const DEFAULT: PolicySource = { layer: 'default', file: '' };
type FileLayer = 'org' | 'user' | 'project';

/**
 * Explains a policy the gate already loaded (so it is valid): reads each layer file again to see which
 * settings it sets, the last layer setting a value being where the effective value comes from.
 */
export async function explainPolicy(
  policy: ResolvedPolicy,
  layers: PolicyLayers,
  workspace: string,
): Promise<PolicyView> {
  const present: PolicySource[] = [DEFAULT];
  let mode = DEFAULT;
  let ask = DEFAULT;
  let deny = DEFAULT;
  let escalation = DEFAULT;
  let orgThresholds = false;
  const hostSource = new Map<string, PolicySource>();
  const denySource = new Map<string, PolicySource>();
  for (const layer of ['org', 'user', 'project'] as FileLayer[]) {
    const file = layers[layer];
    if (!file) continue;
    const source: PolicySource = { layer, file };
    present.push(source);
    const parsed = PolicyFile.safeParse(parseYaml(await readFile(file, 'utf8')) ?? {});
    if (!parsed.success) continue;
    const p = parsed.data;
    // A mode brings its thresholds, unless the organisation set thresholds (they stay, stricter only).
    if (p.mode !== undefined) {
      if (mode.layer !== 'org') mode = source;
      if (!orgThresholds) {
        ask = source;
        deny = source;
      }
    }
    if (p.thresholds?.ask !== undefined) ask = source;
    if (p.thresholds?.deny !== undefined) deny = source;
    if (p.thresholds && layer === 'org') orgThresholds = true;
    if (p.escalation) escalation = source;
    for (const h of p.network?.allow_hosts ?? []) if (!hostSource.has(h)) hostSource.set(h, source);
    for (const h of p.network?.deny_hosts ?? []) if (!denySource.has(h)) denySource.set(h, source);
  }
  const sourceOf = (layer: string): PolicySource =>
    present.find((p) => p.layer === layer) ?? { layer: layer as PolicySource['layer'], file: '' };
  return {
    workspace,
    layers: present,
    mode: { value: policy.mode, source: mode },
    thresholds: {
      ask: { value: policy.thresholds.ask, source: ask },
      deny: { value: policy.thresholds.deny, source: deny },
    },
    escalation_threshold: { value: policy.escalationThreshold, source: escalation },
    hosts: {
      allow: [...new Set(policy.hosts.allow)].map((h) => ({
        value: h,
        source: hostSource.get(h) ?? DEFAULT,
      })),
      deny: [...new Set(policy.hosts.deny)].map((h) => ({ value: h, source: denySource.get(h) ?? DEFAULT })),
    },
    rules: policy.rules.map((r) => ({
      id: r.id,
      decision: r.decision,
      reason: r.reason,
      subject: r.subject,
      source: sourceOf(r.layer),
    })),
    sandbox: policy.sandbox,
  };
}
