import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { PolicyLayers } from './load.js';

/** The organisation (managed) policy every command on this machine starts from. */
export const ORG_POLICY_FILE = '/etc/ward/policy.yaml';

/** Where one `ward exec | run | hook | gate` invocation looks for its policy. */
export interface PolicySearch {
  /** The project directory: <workspace>/.ward/policy.yaml is the project layer. */
  workspace: string;
  home: string;
  /** --policy FILE: replaces the project layer (the org and user layers still apply underneath). */
  policyFile?: string | undefined;
  /** --mode: an inline layer on top. */
  mode?: string | undefined;
  /** Explicit org / user files (ward gate --org / --user); default the standard paths when they exist. */
  orgFile?: string | undefined;
  userFile?: string | undefined;
}

/**
 * The policy layers of one invocation: org (/etc/ward/policy.yaml) < user (~/.ward/policy.yaml) <
 * project (--policy FILE, else <workspace>/.ward/policy.yaml) < --mode. Standard paths count only when
 * they exist; a file named explicitly must exist (a typo is an error, not an empty policy).
 */
export function discoverPolicyLayers(o: PolicySearch): PolicyLayers {
  const layers: PolicyLayers = {};
  const pick = (explicit: string | undefined, standard: string): string | undefined =>
    explicit !== undefined ? resolve(explicit) : existsSync(standard) ? standard : undefined;
  const org = pick(o.orgFile, ORG_POLICY_FILE);
  const user = pick(o.userFile, join(o.home, '.ward', 'policy.yaml'));
  const project = pick(o.policyFile, join(resolve(o.workspace), '.ward', 'policy.yaml'));
  if (org) layers.org = org;
  if (user) layers.user = user;
  if (project) layers.project = project;
  if (o.mode) layers.inline = { mode: o.mode };
  return layers;
}
