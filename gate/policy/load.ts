import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { analyzeCommandLine, initShellParser } from '../analysis/index.js';
import { DEFAULT_ALLOW_HOSTS, DEFAULT_ESCALATION_THRESHOLD, MODE_THRESHOLDS } from './defaults.js';
import { formatPath, PolicyError } from './errors.js';
import {
  type FileOwnership,
  modeNotLooser,
  projectPolicyTrusted,
  tighteningSandbox,
} from './project-trust.js';
import { type CompiledRule, compileRule, type Layer } from './rules.js';
import { defaultSandboxPolicy } from './sandbox-defaults.js';
import type { SandboxPolicy, SandboxPolicyInput } from './sandbox-policy.js';
import type { Mode, Rule } from './schema.js';

/** The largest policy file read (a policy is a few KiB; a device or a huge file is refused, not read). */
const MAX_POLICY_BYTES = 1024 * 1024;
/** Bounds on the user's and project's patterns (characters of one rule, of the file) and of one example. */
const MAX_PATTERN_CHARS = 512;
const MAX_PATTERNS_CHARS = 4096;
const MAX_EXAMPLE_CHARS = 4096;

/** The characters of a rule's patterns. */
function patternChars(rule: Rule): number {
  const c = rule.command;
  return (
    (c?.regex?.length ?? 0) +
    (c?.glob?.length ?? 0) +
    (rule.path?.glob.length ?? 0) +
    (rule.tool?.length ?? 0)
  );
}

/** The merged, validated policy the gate runs with. */
export interface ResolvedPolicy {
  mode: Mode;
  thresholds: { ask: number; deny: number };
  escalationThreshold: number;
  hosts: { allow: string[]; deny: string[] };
  rules: CompiledRule[];
  /** The merged `sandbox:` sections (defaults when no layer has one), for ward exec / ward run. */
  sandbox: SandboxPolicy;
  /** How agent hooks answer: autoApprove only from the org or user policy. */
  hooks: { autoApprove: boolean };
  /** What was ignored and why (relaxations in a project policy the agent could have written). */
  notes: string[];
  /** Where each layer came from, for display. */
  sources: string[];
}

export interface PolicyLayers {
  org?: string;
  user?: string;
  project?: string;
  inline?: unknown;
  /** This process's OS user id (default: process.getuid()); decides whether the project file is trusted. */
  uid?: number;
  /**
   * The org and user files' text as read once before (null: no such file). Given, the files are not read again:
   * a long-lived process (`ward serve`, its gate threads) keeps the policy it started with, whatever is written
   * to the files later.
   */
  texts?: { org?: string | null; user?: string | null };
}

/**
 * Loads and merges policy layers: defaults < org (managed) < user < project < inline. Throws PolicyError.
 * One file serves the gate (mode, rules, …) and the sandbox (its `sandbox:` section). yaml and the zod
 * schemas load only when there is a layer: the default policy is the start-up path of every command.
 */
export async function loadPolicy(layers: PolicyLayers = {}): Promise<ResolvedPolicy> {
  const resolved: ResolvedPolicy = {
    mode: 'balanced',
    thresholds: { ...MODE_THRESHOLDS.balanced },
    escalationThreshold: DEFAULT_ESCALATION_THRESHOLD,
    hosts: { allow: [...DEFAULT_ALLOW_HOSTS], deny: [] },
    rules: [],
    sandbox: defaultSandboxPolicy(),
    hooks: { autoApprove: false },
    notes: [],
    sources: ['built-in defaults'],
  };
  const uid = layers.uid ?? process.getuid?.() ?? -1;
  const sandboxSections: { section: SandboxPolicyInput; managed: boolean; tightenOnly?: boolean }[] = [];
  const issues: string[] = [];
  const order: [Layer, string | undefined, unknown][] = [
    ['org', layers.org, undefined],
    ['user', layers.user, undefined],
    ['project', layers.project, undefined],
    ['inline', undefined, layers.inline],
  ];
  if (order.every(([, file, inline]) => file === undefined && inline === undefined)) return resolved;
  const [{ PolicyFile }, { parse: parseYaml }] = await Promise.all([import('./schema.js'), import('yaml')]);
  let managedMode = false;
  let managedThresholds = false;
  for (const [layer, file, inline] of order) {
    if (file === undefined && inline === undefined) continue;
    const where = file ?? `${layer} policy`;
    let raw: unknown = inline;
    let owner: FileOwnership | undefined;
    const given = layer === 'org' || layer === 'user' ? layers.texts?.[layer] : undefined;
    if (given === null) continue;
    if (file !== undefined && given !== undefined) {
      try {
        raw = parseYaml(given) as unknown;
      } catch (err) {
        issues.push(`${where}: cannot read: ${err instanceof Error ? err.message : String(err)}`);
        continue;
      }
    } else if (file !== undefined) {
      try {
        // Non-blocking, a regular file, bounded: a FIFO a repository or the agent put there would hang every
        // hook call on open (an agent's hook that times out lets the tool run), and /dev/urandom would never end.
        const fh = await open(file, constants.O_RDONLY | constants.O_NONBLOCK);
        try {
          const st = await fh.stat();
          owner = st;
          if (!st.isFile()) throw new Error('not a regular file');
          if (st.size > MAX_POLICY_BYTES) throw new Error(`larger than ${MAX_POLICY_BYTES} bytes`);
          const buf = Buffer.allocUnsafe(MAX_POLICY_BYTES + 1);
          let size = 0;
          for (let n = -1; n !== 0 && size < buf.length; size += n)
            n = (await fh.read(buf, size, buf.length - size, size)).bytesRead;
          if (size > MAX_POLICY_BYTES) throw new Error(`larger than ${MAX_POLICY_BYTES} bytes`);
          raw = parseYaml(buf.subarray(0, size).toString('utf8')) as unknown;
        } finally {
          await fh.close();
        }
      } catch (err) {
        issues.push(`${where}: cannot read: ${err instanceof Error ? err.message : String(err)}`);
        continue;
      }
    }
    // A project policy the agent could have written may only tighten (see project-trust.ts).
    const untrusted = layer === 'project' && !(owner && projectPolicyTrusted(owner, uid));
    const why = `the project policy can be written by the agent (owner uid ${owner?.uid ?? '?'}, mode ${((owner?.mode ?? 0) & 0o777).toString(8)}; Ward runs as uid ${uid}), so it may only tighten`;
    const note = (what: string) => resolved.notes.push(`${where}: ${what} ignored: ${why}`);
    const parsed = PolicyFile.safeParse(raw ?? {});
    if (!parsed.success) {
      for (const issue of parsed.error.issues)
        issues.push(`${where}: ${formatPath(issue.path)}: ${issue.message}`);
      continue;
    }
    const p = parsed.data;
    // A project's policy travels with the repository the agent works on: it must not widen what the agent
    // sees of the user's home (or hand it the agent's login). Only the user and the organisation decide that.
    if (
      layer === 'project' &&
      (raw as { sandbox?: { home?: unknown } } | undefined)?.sandbox?.home !== undefined
    ) {
      issues.push(
        `${where}: sandbox.home: only your own policy (~/.ward/policy.yaml) or the organisation's may set what the sandbox sees of your home`,
      );
      continue;
    }
    // The section as written (before defaults), so a layer only overrides what it sets.
    if (p.sandbox) {
      let section = (raw as { sandbox: SandboxPolicyInput }).sandbox;
      if (untrusted) {
        const { kept, dropped } = tighteningSandbox(section);
        for (const k of dropped) note(`sandbox.${k}`);
        section = kept;
      }
      sandboxSections.push({ section, managed: layer === 'org', tightenOnly: untrusted });
    }
    if (p.hooks?.auto_approve !== undefined) {
      if (layer === 'org' || layer === 'user') resolved.hooks.autoApprove = p.hooks.auto_approve;
      else
        resolved.notes.push(
          `${where}: hooks.auto_approve ignored: only the organisation or user policy may turn auto-approval on or off`,
        );
    }
    if (untrusted && p.mode !== undefined && !modeNotLooser(resolved.mode, p.mode)) note(`mode '${p.mode}'`);
    else if (untrusted && p.mode !== undefined) {
      const next = MODE_THRESHOLDS[p.mode];
      resolved.mode = p.mode;
      resolved.thresholds = {
        ask: Math.min(resolved.thresholds.ask, next.ask),
        deny: Math.min(resolved.thresholds.deny, next.deny),
      };
    } else if (p.mode !== undefined) {
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
    if (p.thresholds && untrusted) {
      resolved.thresholds = {
        ask: Math.min(p.thresholds.ask ?? 1, resolved.thresholds.ask),
        deny: Math.min(p.thresholds.deny ?? 1, resolved.thresholds.deny),
      };
      if (
        (p.thresholds.ask ?? 0) > resolved.thresholds.ask ||
        (p.thresholds.deny ?? 0) > resolved.thresholds.deny
      )
        note('raising thresholds');
    } else if (p.thresholds) {
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
        !untrusted && (layer === 'org' || !managedThresholds)
          ? p.escalation.threshold
          : Math.min(resolved.escalationThreshold, p.escalation.threshold);
    if (p.network) {
      if (untrusted && p.network.allow_hosts.length > 0) note('network.allow_hosts');
      else resolved.hosts.allow.push(...p.network.allow_hosts);
      resolved.hosts.deny.push(...p.network.deny_hosts);
    }
    const parser = p.rules.some((r) => r.match.length + r.not_match.length > 0)
      ? await initShellParser()
      : undefined;
    // The user's and project's patterns run in linear time, but in time that grows with the pattern and the text
    // (an 8 KB alternation against a 50 KB command took 6 s, and examples are checked at every load): bounded.
    let budget = layer === 'user' || layer === 'project' ? MAX_PATTERNS_CHARS : Number.POSITIVE_INFINITY;
    p.rules.forEach((rule, i) => {
      const size = patternChars(rule);
      budget -= size;
      const long = [...rule.match, ...rule.not_match].some((x) => x.length > MAX_EXAMPLE_CHARS);
      if (budget < 0 || (Number.isFinite(budget) && (size > MAX_PATTERN_CHARS || long))) {
        issues.push(
          `${where}: rules[${i}]: patterns over ${MAX_PATTERN_CHARS} characters, ${MAX_PATTERNS_CHARS} in all, or examples over ${MAX_EXAMPLE_CHARS}, in a file the agent can write`,
        );
        return;
      }
      let compiled: CompiledRule;
      try {
        compiled = compileRule(rule, layer);
      } catch (err) {
        issues.push(`${where}: rules[${i}]: ${err instanceof Error ? err.message : String(err)}`);
        return;
      }
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
      if (untrusted && rule.decision === 'allow') note(`rules[${i}] '${rule.id}' (allow)`);
      else resolved.rules.push(compiled);
    });
    resolved.sources.push(where);
  }
  if (issues.length > 0) throw new PolicyError(issues);
  if (sandboxSections.length > 0) {
    const [{ SandboxPolicy }, { mergeSandboxLayers }] = await Promise.all([
      import('./sandbox-policy.js'),
      import('./merge-layers.js'),
    ]);
    resolved.sandbox = SandboxPolicy.parse(mergeSandboxLayers(sandboxSections));
  }
  return resolved;
}
