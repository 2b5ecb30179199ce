import {
  CI_PERSON,
  createRng,
  type DemoAgent,
  PEOPLE,
  planSession,
  REPOS,
  type SessionTelemetry,
  sessionTelemetry,
} from '../../demo/index.js';
import { FAMILIES, type Family } from './families.js';

/** One labelled session of the eval. */
export interface LabelledSession {
  family: string;
  split: 'tune' | 'heldout';
  attack: boolean;
  agent: DemoAgent;
  telemetry: SessionTelemetry;
}

const INTERACTIVE: readonly DemoAgent[] = ['codex', 'claude-code', 'gemini-cli'];

/**
 * Labelled sessions in the agents' native shapes: `perBenign` sessions per benign family and `perAttack` per
 * attack family, benign warm-up first (novelty and baselines need a fleet), then the rest shuffled.
 */
export function generateScenarios(o: {
  seed: number;
  nowMs: number;
  perBenign: number;
  perAttack: number;
  warmup: number;
}): LabelledSession[] {
  const rng = createRng(o.seed);
  const make = (f: Family, i: number): LabelledSession => {
    const agent: DemoAgent = f.runner ? 'ward' : rng.pick(INTERACTIVE);
    const person = f.runner ? CI_PERSON : rng.pick(PEOPLE);
    const repo = rng.pick(REPOS);
    const sessionRng = createRng((o.seed ^ Math.imul(i + 1, 0x9e3779b9)) >>> 0);
    const story = { id: f.id, attack: f.attack, steps: f.steps(sessionRng) };
    const plan = planSession(agent, story, person, repo, sessionRng, o.nowMs);
    return { family: f.id, split: f.split, attack: f.attack, agent, telemetry: sessionTelemetry(plan) };
  };
  let i = 0;
  const benign = FAMILIES.filter((f) => !f.attack);
  const warm = Array.from({ length: o.warmup }, () => make(rng.pick(benign), i++));
  const rest: LabelledSession[] = [];
  for (const f of FAMILIES)
    for (let k = 0; k < (f.attack ? o.perAttack : o.perBenign); k++) rest.push(make(f, i++));
  for (let k = rest.length - 1; k > 0; k--) {
    const j = rng.int(0, k);
    [rest[k], rest[j]] = [rest[j] as LabelledSession, rest[k] as LabelledSession];
  }
  return [...warm, ...rest];
}
