import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe } from '../behaviour.js';
import { type FixtureEvent, NO_HITS, type StreamDetector } from '../detector.js';
import type { Observation } from '../observation.js';
import { loadRules, type SigmaRule } from '../sigma/load.js';
import { matchRule } from '../sigma/match.js';

// Rule fields that are not derived from an observation's input key (kind, tool, cwd, target, command).
const PLAIN_FIELDS = {
  agent: 'agent',
  event_name: 'event_name',
  decision: 'decision',
  decision_source: 'decision_source',
  user: 'user_id',
  repo: 'repo',
} as const;
const MEMO_SIZE = 20_000;
const MAX_MEMO_KEY = 4096;

const fieldsOf = (rule: SigmaRule) =>
  new Set(Object.values(rule.selections).flatMap((sel) => sel.flatMap((m) => m.map((t) => t.field))));

/**
 * Which of a set of rules match an observation. Agents repeat themselves: the same command in the same place
 * matches the same way, so results are memoized (bounded) by what the fields come from: the observation's input
 * key plus the plain fields outside it that some rule reads. The rules of one set are asked about the same
 * observation one after the other: the last answer is kept for the next rule.
 */
export function sigmaMatcher(rules: readonly SigmaRule[]): (obs: Observation) => ReadonlySet<SigmaRule> {
  const used = new Set(rules.flatMap((r) => [...fieldsOf(r)]));
  const extra = (Object.keys(PLAIN_FIELDS) as (keyof typeof PLAIN_FIELDS)[])
    .filter((f) => used.has(f))
    .map((f) => PLAIN_FIELDS[f]);
  // What a write wrote is not in the input key: two writes of one path with different text match differently.
  const content = used.has('content');
  const memo = new Map<string, ReadonlySet<SigmaRule>>();
  let lastObs: Observation | undefined;
  let last: ReadonlySet<SigmaRule> = new Set();
  return (obs) => {
    if (obs === lastObs) return last;
    let key = obs.inputKey;
    for (const f of extra) key += `\0${obs.event[f]}`;
    if (content && obs.actionClass === 'write') key += `\0${obs.fields.content}`;
    let r = memo.get(key);
    if (r === undefined) {
      const fields = obs.fields;
      r = new Set(rules.filter((rule) => matchRule(rule, fields)));
      // Long inputs are one-offs: not kept, so the memo's memory stays bounded whatever the agent sends.
      if (key.length <= MAX_MEMO_KEY) {
        memo.set(key, r);
        if (memo.size > MEMO_SIZE) memo.delete(memo.keys().next().value as string);
      }
    }
    lastObs = obs;
    last = r;
    return r;
  };
}

/** A Sigma rule as a detector: each matching action is evidence, counted once per action. */
export function sigmaDetector(
  rule: SigmaRule,
  matcher: (obs: Observation) => ReadonlySet<SigmaRule> = sigmaMatcher([rule]),
): StreamDetector {
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
      if (obs.actionClass === 'other' || !matcher(obs).has(rule)) return NO_HITS;
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
  const rules = loadRules(dir);
  const matcher = sigmaMatcher(rules);
  return rules.map((r) => sigmaDetector(r, matcher));
}
