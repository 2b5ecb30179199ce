import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { GateVerdict } from '../approvals/gate-command.js';
import { createGate, type Gate, type GateInput, loadPolicy, type PolicyLayers } from '../gate/index.js';
import { describeToolCall, type ToolRequest } from './answer-hook.js';

/** Where the hook finds its policy: explicit files win; else ~/.ward/policy.yaml and <cwd>/.ward/policy.yaml. */
export interface HookPolicyOptions {
  cwd: string;
  home: string;
  /** --policy FILE: the project layer. */
  policyFile?: string;
  /** --mode: an inline layer on top. */
  mode?: string;
}

export function hookPolicyLayers(o: HookPolicyOptions): PolicyLayers {
  const layers: PolicyLayers = {};
  const user = join(o.home, '.ward', 'policy.yaml');
  if (existsSync(user)) layers.user = user;
  const project = o.policyFile ?? join(o.cwd, '.ward', 'policy.yaml');
  if (o.policyFile || existsSync(project)) layers.project = project;
  if (o.mode) layers.inline = { mode: o.mode };
  return layers;
}

/** Loads the policy and the gate for one hook call (throws PolicyError on a bad policy: the caller denies). */
export async function loadHookGate(o: HookPolicyOptions): Promise<Gate> {
  return createGate({ policy: await loadPolicy(hookPolicyLayers(o)), workspace: o.cwd });
}

/** The gate's input for one tool call: shell text for Bash, the tool name plus a summary otherwise. */
export function gateInputFor(req: ToolRequest): GateInput {
  const input: GateInput = req.command !== undefined ? { command: req.command } : { tool: req.tool, command: describeToolCall(req) };
  if (req.cwd) input.cwd = req.cwd;
  return input;
}

/** Adapts the gate to the hook's `decide`. */
export function hookDecider(gate: Gate): (req: ToolRequest) => GateVerdict {
  return (req) => gate.decide(gateInputFor(req));
}
