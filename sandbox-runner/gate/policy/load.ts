import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { analyzeCommandLine, initShellParser } from '../analysis/index.js';
import { DEFAULT_ALLOW_HOSTS, DEFAULT_ESCALATION_THRESHOLD, MODE_THRESHOLDS } from './defaults.js';
import { formatPath, PolicyError } from './errors.js';
import { type CompiledRule, compileRule, type Layer } from './rules.js';
import { type Mode, PolicyFile } from './schema.js';

/** The merged, validated policy the gate runs with. */
export interface ResolvedPolicy {
  mode: Mode;
  thresholds: { ask: number; deny: number };
  escalationThreshold: number;
  hosts: { allow: string[]; deny: string[] };
  rules: CompiledRule[];
  /** Where each layer came from, for display. */
  sources: string[];
}

export interface PolicyLayers {
  org?: string;
  user?: string;
  project?: string;
  inline?: unknown;
}

/** Loads and merges policy layers: defaults < org (managed) < user < project < inline. Throws PolicyError. */
export async function loadPolicy(layers: PolicyLayers = {}): Promise<ResolvedPolicy> {
  const resolved: ResolvedPolicy = {
    mode: 'balanced',
    thresholds: { ...MODE_THRESHOLDS.balanced },
    escalationThreshold: DEFAULT_ESCALATION_THRESHOLD,
    hosts: { allow: [...DEFAULT_ALLOW_HOSTS], deny: [] },
    rules: [],
    sources: ['built-in defaults'],
  };
  const issues: string[] = [];
  const order: [Layer, string | undefined, unknown][] = [
    ['org', layers.org, undefined],
    ['user', layers.user, undefined],
    ['project', layers.project, undefined],
    ['inline', undefined, layers.inline],
  ];
  let managedMode = false;
  let managedThresholds = false;
  for (const [layer, file, inline] of order) {
    if (file === undefined && inline === undefined) continue;
    const where = file ?? `${layer} policy`;
    let raw: unknown = inline;
    if (file !== undefined) {
      try {
        raw = parseYaml(await readFile(file, 'utf8'));
      } catch (err) {
        issues.push(`${where}: cannot read: ${err instanceof Error ? err.message : String(err)}`);
        continue;
      }
    }
    const parsed = PolicyFile.safeParse(raw ?? {});
    if (!parsed.success) {
      for (const issue of parsed.error.issues)
        issues.push(`${where}: ${formatPath(issue.path)}: ${issue.message}`);
      continue;
    }
    const p = parsed.data;
    if (p.mode !== undefined) {
      if (managedMode && p.mode !== resolved.mode)
        issues.push(
          `${where}: mode: the organisation policy sets mode '${resolved.mode}' and it cannot be overridden`,
        );
      else {
        resolved.mode = p.mode;
        if (!managedThresholds) resolved.thresholds = { ...MODE_THRESHOLDS[p.mode] };
      }
      if (layer === 'org') managedMode = true;
    }
    if (p.thresholds) {
      if (managedThresholds) {
        const looser =
          (p.thresholds.ask ?? 0) > resolved.thresholds.ask ||
          (p.thresholds.deny ?? 0) > resolved.thresholds.deny;
        if (looser)
          issues.push(`${where}: thresholds: may only be made stricter than the organisation policy`);
      }
      resolved.thresholds = {
        ask: p.thresholds.ask ?? resolved.thresholds.ask,
        deny: p.thresholds.deny ?? resolved.thresholds.deny,
      };
      if (layer === 'org') managedThresholds = true;
    }
    if (p.escalation)
      resolved.escalationThreshold =
        layer === 'org' || !managedThresholds
          ? p.escalation.threshold
          : Math.min(resolved.escalationThreshold, p.escalation.threshold);
    if (p.network) {
      resolved.hosts.allow.push(...p.network.allow_hosts);
      resolved.hosts.deny.push(...p.network.deny_hosts);
    }
    const parser = p.rules.some((r) => r.match.length + r.not_match.length > 0)
      ? await initShellParser()
      : undefined;
    p.rules.forEach((rule, i) => {
      const compiled = compileRule(rule, layer);
      const check = (example: string, want: boolean, key: 'match' | 'not_match', j: number) => {
        const facts = parser
          ? analyzeCommandLine(example, { parser, workspace: '/workspace', hosts: resolved.hosts }).facts
          : null;
        const got =
          compiled.subject === 'tool'
            ? compiled.test(example, facts, example)
            : compiled.test(example, facts);
        if (got !== want)
          issues.push(
            `${where}: rules[${i}].${key}[${j}]: rule '${rule.id}' ${want ? 'does not match' : 'matches'} ${JSON.stringify(example)}`,
          );
      };
      for (const [j, ex] of rule.match.entries()) check(ex, true, 'match', j);
      for (const [j, ex] of rule.not_match.entries()) check(ex, false, 'not_match', j);
      resolved.rules.push(compiled);
    });
    resolved.sources.push(where);
  }
  if (issues.length > 0) throw new PolicyError(issues);
  return resolved;
}
