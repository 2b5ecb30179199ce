/** Where a setting of the effective policy comes from. */
export interface PolicySource {
  layer: 'default' | 'org' | 'user' | 'project' | 'inline';
  /** The file of that layer ('' for built-in defaults). */
  file: string;
}

/** A value with where it comes from. */
export interface Sourced<T> {
  value: T;
  source: PolicySource;
}

/** GET /api/policy: the effective policy, each part with its source (the server and the UI share it). */
export interface PolicyView {
  workspace: string;
  layers: PolicySource[];
  mode: Sourced<string>;
  thresholds: { ask: Sourced<number>; deny: Sourced<number> };
  escalation_threshold: Sourced<number>;
  hosts: { allow: Sourced<string>[]; deny: Sourced<string>[] };
  rules: { id: string; decision: string; reason: string; subject: string; source: PolicySource }[];
  sandbox: Record<string, unknown>;
}
