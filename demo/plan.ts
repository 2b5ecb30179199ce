import { createRng, type Rng } from './rng.js';
import { CAST, CI_PERSON, PEOPLE, REPOS, STORIES } from './scenarios.js';
import type { DemoAgent, Person, PlannedStep, Repo, SessionPlan, Step, Story } from './types.js';

const MINUTE = 60_000;

function fill<T>(value: T, vars: Record<string, string>): T {
  if (typeof value === 'string') return value.replace(/\{(\w+)\}/g, (m, k: string) => vars[k] ?? m) as T;
  if (Array.isArray(value)) return value.map((v) => fill(v, vars)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fill(v, vars)])) as T;
  }
  return value;
}

function stepDuration(step: Step, rng: Rng): number {
  if (step.do === 'prompt') return 0;
  if (step.do === 'read') return rng.int(4, 40);
  if (step.do === 'edit') return rng.int(10, 90);
  if (step.do === 'tool') return rng.int(20, 2_000);
  if (/\b(test|pytest|ci|install)\b/.test(step.cmd)) return rng.int(3_000, 14_000);
  return rng.int(30, 1_500);
}

function sessionId(agent: DemoAgent, rng: Rng, startMs: number): string {
  return agent === 'codex' ? rng.uuid7(startMs) : rng.uuid4();
}

/** Plans one session of a story (times, ids, placeholders filled); the eval's scenario generator reuses it. */
export function planSession(
  agent: DemoAgent,
  story: Story,
  person: Person,
  repo: Repo,
  rng: Rng,
  nowMs: number,
): SessionPlan {
  const home = agent === 'ward' ? '/home/ci' : `/home/${person.user}`;
  const cwd = agent === 'ward' ? `/builds/acme/${repo.dir}` : `${home}/src/${repo.dir}`;
  const startMs = nowMs - rng.int(20 * MINUTE, 5 * 60 * MINUTE);
  const vars = { ...repo.vars, home };
  let t = startMs + rng.int(500, 3_000);
  const steps: PlannedStep[] = [];
  for (const raw of story.steps) {
    if ('maybe' in raw && raw.maybe !== undefined && !rng.chance(raw.maybe)) continue;
    const step = fill(raw, vars);
    // The person reads the request before answering it; the agent thinks between calls.
    const asked = 'approval' in step && step.approval !== undefined && step.approval !== 'auto';
    t += asked ? rng.int(4_000, 40_000) : rng.int(1_500, 20_000);
    const durationMs = stepDuration(step, rng);
    steps.push({ step, atMs: t, durationMs, callId: rng.base36(20) });
    t += durationMs;
  }
  return {
    agent,
    story,
    person,
    repo,
    cwd,
    sessionId: sessionId(agent, rng, startMs),
    startMs,
    endMs: t + rng.int(1_000, 5_000),
    steps,
    rng,
  };
}

/** Every session of one demo run: deterministic for a seed and a clock. */
export function planDemo(seed: number, nowMs: number): SessionPlan[] {
  const rng = createRng(seed);
  return CAST.map(({ agent, story: storyId }, i) => {
    const story = STORIES.find((s) => s.id === storyId);
    if (!story) throw new Error(`demo cast names an unknown story '${storyId}'`);
    const person = agent === 'ward' ? CI_PERSON : rng.pick(PEOPLE);
    const repo = rng.pick(REPOS);
    const sessionRng = createRng((seed ^ Math.imul(i + 1, 0x9e3779b9)) >>> 0);
    return planSession(agent, story, person, repo, sessionRng, nowMs);
  });
}
