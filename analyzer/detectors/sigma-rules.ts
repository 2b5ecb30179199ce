import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe } from '../behaviour.js';
import type { FixtureEvent, StreamDetector } from '../detector.js';
import type { Observation } from '../observation.js';
import { loadRules, type SigmaRule } from '../sigma/load.js';
import { matchRule } from '../sigma/match.js';

// Rule fields that are not derived from an observation's input key (kind, tool, cwd, target, command).
const PLAIN_FIELDS = ['agent', 'event_name', 'decision', 'decision_source', 'user', 'repo'] as const;

/** A Sigma rule as a detector: each matching action is evidence, counted once per action. */
export function sigmaDetector(rule: SigmaRule): StreamDetector {
  // Agents repeat themselves: the same command in the same place matches the same way. A bounded memo keyed by
  // what the rule's fields come from (the observation's input key, plus the plain fields outside it that the
  // rule reads) keeps the regexes off the hot path.
  const fields = new Set(
    Object.values(rule.selections).flatMap((sel) => sel.flatMap((m) => m.map((t) => t.field))),
  );
  const extra = PLAIN_FIELDS.filter((f) => fields.has(f));
  const memo = new Map<string, boolean>();
  const matches = (obs: Observation): boolean => {
    let key = obs.inputKey;
    for (const f of extra) key += `\0${obs.fields[f] as string}`;
    let r = memo.get(key);
    if (r === undefined) {
      r = matchRule(rule, obs.fields);
      memo.set(key, r);
      if (memo.size > 5000) memo.delete(memo.keys().next().value as string);
    }
    return r;
  };
  return {
    id: rule.id,
    title: rule.title,
    description: rule.description,
    severity: rule.severity,
    attack: rule.attack,
    falsepositives: rule.falsepositives,
    triage: rule.triage,
    thresholds: {},
    kind: 'signature',
    fixtures: {
      positive: { session: rule.fixtures.positive as FixtureEvent[] },
      negative: { session: rule.fixtures.negative as FixtureEvent[] },
    },
    observe(obs, session) {
      if (obs.actionClass === 'other' || !matches(obs)) return [];
      void session;
      return [
        {
          detector: rule.id,
          evidence: [obs],
          factors: [{ rule: rule.id, text: `${rule.title}: ${describe(obs)}` }],
        },
      ];
    },
  };
}

/**
 * Where the shipped rules live: analyzer/rules in the source tree; the build copies them beside the bundle
 * (dist/analyzer/rules), found from the module's own location either way.
 */
export function defaultRulesDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [
    join(here, 'rules'),
    join(here, 'analyzer', 'rules'),
    join(here, '..', 'rules'),
    join(here, '..', 'analyzer', 'rules'),
    join(here, '..', '..', 'analyzer', 'rules'),
  ];
  const found = candidates.find((c) => existsSync(join(c, 'credential-read.yml')));
  if (found) return found;
  throw new Error(`no analyzer rules directory near ${here}`);
}

/** The shipped Sigma rules as detectors (or those of `dir`). */
export function sigmaDetectors(dir = defaultRulesDir()): StreamDetector[] {
  return loadRules(dir).map(sigmaDetector);
}
