import { expect } from 'vitest';
import { rulesFor, WORKSPACE } from '../../gate/analysis/test-helpers.js';
import type { RuleId } from '../../gate/index.js';
import { createGate, type Gate, loadPolicy } from '../../gate/index.js';

/** The gate with the default policy, for a project at WORKSPACE (the red-team tests' set-up). */
export const defaultGate = async (): Promise<Gate> =>
  createGate({ policy: await loadPolicy({ inline: {} }), workspace: WORKSPACE });

/** Each command is asked or denied, never allowed (a failure names the command). */
export function expectNotAllowed(g: Gate, commands: readonly string[]): void {
  for (const cmd of commands) expect(g.decide({ command: cmd }).decision, cmd).not.toBe('allow');
}

/** Each command is allowed (a failure names the command). */
export function expectAllowed(g: Gate, commands: readonly string[]): void {
  for (const cmd of commands) expect(g.decide({ command: cmd }).decision, cmd).toBe('allow');
}

/** The analysis raises `rule` for each command (a failure names the command). */
export async function expectRule(commands: readonly string[], rule: RuleId): Promise<void> {
  for (const cmd of commands) expect(await rulesFor(cmd), cmd).toContain(rule);
}
