import { beforeAll, expect, it } from 'vitest';
import { createGate, type Gate, type GateInput, loadPolicy } from '../../gate/index.js';

/** The reviews' setup: default policy, balanced mode, workspace /home/dev/project, home /home/dev. */
export const REVIEW_WS = '/home/dev/project';

/** A shell command as a hook sends it (optionally from `cwd`). */
export const sh = (command: string, cwd?: string): GateInput => (cwd ? { command, cwd } : { command });

/** A tool call as a hook sends it. */
export const tool = (name: string, toolInput: Record<string, unknown>): GateInput => ({
  command: JSON.stringify(toolInput),
  tool: name,
  toolInput,
});

const label = (i: GateInput) =>
  (i.tool ? `${i.tool} ${JSON.stringify(i.toolInput)}` : i.command).slice(0, 160);

/** One gate for a test file, and test groups of inputs that must ask or deny, or stay allowed. */
export function gateReview() {
  let gate: Gate | undefined;
  beforeAll(async () => {
    gate = await createGate({
      policy: await loadPolicy({ inline: {} }),
      workspace: REVIEW_WS,
      home: '/home/dev',
      dataDir: `${REVIEW_WS}/.ward-data`,
    });
  });
  const decide = (c: GateInput) => {
    if (!gate) throw new Error('the gate is made in beforeAll');
    return gate.decide(c);
  };
  return {
    decide,
    notAllowed: (cases: GateInput[]) =>
      it.each(cases.map((c) => [label(c), c] as const))('not allowed: %s', (_l, c) => {
        expect(decide(c).decision).not.toBe('allow');
      }),
    allowed: (cases: GateInput[]) =>
      it.each(cases.map((c) => [label(c), c] as const))('benign twin allowed: %s', (_l, c) => {
        expect(decide(c).decision).toBe('allow');
      }),
  };
}
