import {
  createGate,
  discoverPolicyLayers,
  type Gate,
  type GateInput,
  loadPolicy,
  type PolicyLayers,
} from '../../gate/fast.js';
import type { GateVerdict } from '../approvals/ask-human.js';
import { describeToolCall, type ToolRequest } from './answer-hook.js';
import { listDirectory } from './list-dir.js';
import { readTextFile } from './read-text.js';
import { resolveExisting } from './resolve-existing.js';

/** Where the hook finds its policy (the same discovery as ward exec: org < user < project < --mode). */
export interface HookPolicyOptions {
  cwd: string;
  home: string;
  /** --policy FILE: the project layer. */
  policyFile?: string | undefined;
  /** --mode: an inline layer on top. */
  mode?: string | undefined;
}

export function hookPolicyLayers(o: HookPolicyOptions): PolicyLayers {
  return discoverPolicyLayers({ workspace: o.cwd, home: o.home, policyFile: o.policyFile, mode: o.mode });
}

/** The gate for one hook call, with the policy's hook settings. */
export interface HookGate extends Gate {
  /** `hooks.auto_approve` of the org or user policy: answer allow instead of deferring to the agent. */
  autoApprove: boolean;
}

/** Loads the policy and the gate for one hook call (throws PolicyError on a bad policy: the caller denies). */
export async function loadHookGate(o: HookPolicyOptions): Promise<HookGate> {
  const policy = await loadPolicy(hookPolicyLayers(o));
  // Deferred grammar: plain commands and non-shell tools are decided without loading the WASM parser.
  const gate = await createGate({
    policy,
    workspace: o.cwd,
    deferParser: true,
    home: o.home,
    realpath: resolveExisting,
    readText: readTextFile,
    listDir: listDirectory,
  });
  return { ...gate, autoApprove: policy.hooks.autoApprove };
}

/** The gate's input for one tool call: shell text for Bash, the tool name plus a summary otherwise. */
export function gateInputFor(req: ToolRequest): GateInput {
  const input: GateInput =
    req.command !== undefined
      ? { command: req.command }
      : { tool: req.tool, toolInput: req.toolInput, command: describeToolCall(req) };
  if (req.cwd) input.cwd = req.cwd;
  return input;
}

/** Adapts the gate to the hook's `decide`. */
export function hookDecider(
  gate: Gate,
): (req: ToolRequest, grants?: GateInput['grants']) => Promise<GateVerdict> {
  return (req, grants) => gate.decideAsync({ ...gateInputFor(req), ...(grants ? { grants } : {}) });
}
