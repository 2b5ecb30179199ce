import { expect, it } from 'vitest';
import type { RuleId } from '../taxonomy/rules.js';
import { rulesFor } from './test-helpers.js';

/** One behaviour: commands that must raise `rule`, and benign look-alikes that must not. */
export interface BehaviourCase {
  rule: RuleId;
  yes: readonly string[];
  no: readonly string[];
}

/** Declares one test per case (used by the behaviour test files beside the analysis code). */
export function behaviourCases(cases: readonly BehaviourCase[]): void {
  for (const c of cases)
    it(`${c.rule}: raised for ${c.yes.length}, not for ${c.no.length} look-alikes`, async () => {
      for (const cmd of c.yes) expect(await rulesFor(cmd), cmd).toContain(c.rule);
      for (const cmd of c.no) expect(await rulesFor(cmd), cmd).not.toContain(c.rule);
    });
}
