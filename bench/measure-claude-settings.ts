/**
 * `npm run measure:claude-settings [-- KEY…]`: measures doctor's table of the Claude Code settings that make
 * it skip a whole settings file (sandbox-runner/doctor/claude-settings*.ts) again, on the Claude Code in
 * node_modules (run it after upgrading Claude Code). For each setting in the table (or each KEY given) it makes
 * a valid value and wrong ones (another JSON type, a value out of range, a required field missing, each nested
 * field in turn) from the table itself, plus the values the table says Claude Code tolerates (TOLERATED), and
 * writes each beside a PreToolUse hook into a fresh project's .claude/settings.local.json. Claude Code runs it
 * against a loopback fake model that asks for one Bash command: the hook ran (file kept) or the command ran
 * without it (file skipped). Each line shows that next to doctor's verdict; a disagreement exits 1, and means
 * the table needs the change the line shows.
 */
import { existsSync, mkdirSync, mkdtempSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CLAUDE_SETTINGS,
  claudeSettingsProblem,
  type Fields,
  isOneOf,
  type Kind,
  mismatch,
  type ScalarName,
} from '../sandbox-runner/index.js';
import { startFakeModel } from '../test/helpers/fake-model.js';
import { claude } from '../test/helpers/hook-review.js';

type Json = Record<string, unknown>;

/** A valid value of each named kind, and the values of the right JSON type that are still wrong. */
const EXAMPLES: Record<ScalarName, { good: unknown; bad?: unknown[] }> = {
  string: { good: 'x' },
  'non-empty string': { good: 'x', bad: [''] },
  URL: { good: 'http://127.0.0.1:9/x', bad: ['not a url'] },
  boolean: { good: false },
  number: { good: 1 },
  'positive number': { good: 5, bad: [0] },
  integer: { good: 22, bad: [1.5] },
  object: { good: {} },
  list: { good: [] },
  'list of strings': { good: ['x'], bad: [[1]] },
  'list of objects': { good: [], bad: [['x']] },
  'positive integer': { good: 30, bad: [0, 1.5] },
  'integer of 1000 or more': { good: 1000, bad: [999] },
  '0 or an integer of 60000 or more': { good: 0, bad: [1000] },
  'number over 0 up to 1': { good: 1, bad: [0] },
  'number from 0 to 1': { good: 0, bad: [2] },
};

/** Valid values where the kind's own example would stop Claude Code before the tool call. */
const GOOD_AT: Record<string, unknown> = {
  apiKeyHelper: 'echo fake',
  requiredMinimumVersion: '1.0.0',
  requiredMaximumVersion: '999.0.0',
  minimumVersion: '1.0.0',
};

/** Values Claude Code drops alone (the file and its hooks stay): doctor must not report them. */
const TOLERATED: [string, Json][] = [
  ['statusLine.refreshInterval 0', { statusLine: { type: 'command', command: 'x', refreshInterval: 0 } }],
  ['statusLine unknown field', { statusLine: { type: 'command', command: 'x', extra: 5 } }],
  ['worktree.bgIsolation bogus', { worktree: { bgIsolation: 'bogus' } }],
  ['sandbox.bwrapPath relative', { sandbox: { bwrapPath: 'bwrap' } }],
  ['sandbox unknown field', { sandbox: { extra: 'x' } }],
  ['env values of other types', { env: { A: 1, B: null, C: {}, D: [1], E: true } }],
  ['permissions.allow non-string and bad rules', { permissions: { allow: [5, 'bash(x)', 'Bash()'] } }],
  ['hooks unknown event', { hooks: { NoSuchEvent: 5 } }],
  ['hooks event not a list', { hooks: { PostToolUse: 5 } }],
  ['theme 5', { theme: 5 }],
  ['unknown key', { someFutureKey: { a: 1 } }],
];

const WRONG_TYPES: unknown[] = [5, 'x', true, null, [], {}];
/** The first value of another JSON type that `kind` does not accept. */
const wrongType = (kind: Kind) => WRONG_TYPES.filter((v) => mismatch(v, kind, '') !== null).slice(0, 1);

function example(kind: Kind, at: string): unknown {
  if (at in GOOD_AT) return GOOD_AT[at];
  if (typeof kind === 'string') return EXAMPLES[kind].good;
  if (isOneOf(kind)) return kind[0];
  if ('pattern' in kind) return kind.example;
  if ('list' in kind) return [example(kind.list, `${at}[0]`)];
  if ('record' in kind) {
    const k = kind.keys?.find((x) => x !== 'PreToolUse') ?? 'k';
    return { [k]: example(kind.record, `${at}.${k}`) };
  }
  if ('either' in kind) return example(kind.either[0]!, at);
  if ('tag' in kind) {
    const [name, variant] = Object.entries(kind.variants)[0]!;
    return { [kind.tag]: name, ...fullObject(variant, at) };
  }
  return fullObject(kind, at);
}

/** An object with every field of `kind` set to a valid value. */
const fullObject = (kind: Fields, at: string): Json =>
  Object.fromEntries(Object.entries(kind.fields).map(([k, inner]) => [k, example(inner, `${at}.${k}`)]));

interface Probe {
  name: string;
  value: unknown;
}

/** Values of `kind` that are wrong in one place each, named by that place, and the valid ones around them. */
function wrongs(kind: Kind, at: string): Probe[] {
  if (typeof kind === 'string')
    return [...wrongType(kind), ...(EXAMPLES[kind].bad ?? [])].map((v) => ({ name: at, value: v }));
  if (isOneOf(kind)) return [{ name: at, value: 'bogus' }];
  if ('pattern' in kind) return [{ name: at, value: kind.counterexample }];
  if ('either' in kind) return wrongType(kind).map((v) => ({ name: at, value: v }));
  if ('list' in kind)
    return [
      ...(kind.lenient ? [] : [{ name: at, value: 'x' }]),
      ...wrongs(kind.list, `${at}[0]`).map((p) => ({ ...p, value: [p.value] })),
    ];
  if ('record' in kind) {
    const k = kind.keys?.find((x) => x !== 'PreToolUse') ?? 'k';
    return [
      ...(kind.lenient ? [] : [{ name: at, value: 5 }]),
      ...wrongs(kind.record, `${at}.${k}`).map((p) => ({ ...p, value: { [k]: p.value } })),
    ];
  }
  if ('tag' in kind) {
    const out: Probe[] = [{ name: `${at}.${kind.tag}`, value: { [kind.tag]: 'bogus' } }];
    for (const [name, variant] of Object.entries(kind.variants))
      for (const p of objectWrongs(variant, at))
        out.push({ ...p, value: { [kind.tag]: name, ...(p.value as Json) } });
    return [{ name: at, value: 5 }, ...out];
  }
  return [{ name: at, value: 5 }, ...objectWrongs(kind, at)];
}

function objectWrongs(kind: Fields, at: string): Probe[] {
  const full = fullObject(kind, at);
  const out: Probe[] = (kind.required ?? []).map((r) => {
    const { [r]: _, ...rest } = full;
    return { name: `${at}.${r} missing`, value: rest };
  });
  for (const [k, inner] of Object.entries(kind.fields))
    for (const p of wrongs(inner, `${at}.${k}`)) out.push({ ...p, value: { ...full, [k]: p.value } });
  return out;
}

/** The probes for one top-level key: its valid example, then each wrong value. */
function probesFor(key: string, kind: Kind): { name: string; settings: Json }[] {
  return [
    { name: `${key} valid`, settings: { [key]: example(kind, key) } },
    ...wrongs(kind, key).map((p) => ({
      name: `${p.name} = ${JSON.stringify(p.value)}`,
      settings: { [key]: p.value },
    })),
  ];
}

const root = realpathSync(mkdtempSync(join(tmpdir(), 'ward-measure-')));
const home = join(root, 'home');
mkdirSync(home);
const model = await startFakeModel([{ command: 'touch tool-ran' }]);

/** The probe's settings with the PreToolUse hook that shows whether Claude Code kept the file. */
function withHook(settings: Json, project: string): Json {
  const hook = { matcher: '*', hooks: [{ type: 'command', command: `touch ${join(project, 'hook-ran')}` }] };
  const hooks = typeof settings.hooks === 'object' && settings.hooks !== null ? settings.hooks : {};
  return { ...settings, hooks: { ...hooks, PreToolUse: [hook] } };
}

type Outcome = 'kept' | 'skipped' | 'no tool call';
async function measure(project: string, settings: Json): Promise<Outcome> {
  mkdirSync(join(project, '.claude'), { recursive: true });
  writeFileSync(join(project, '.claude', 'settings.local.json'), JSON.stringify(settings));
  await claude({ home, project }, model.url);
  if (existsSync(join(project, 'hook-ran'))) return 'kept';
  return existsSync(join(project, 'tool-ran')) ? 'skipped' : 'no tool call';
}

const only = process.argv.slice(2);
const probes = [
  ...Object.entries(CLAUDE_SETTINGS)
    .filter(([key]) => only.length === 0 || only.includes(key))
    .flatMap(([key, kind]) => probesFor(key, kind)),
  ...TOLERATED.filter(([, s]) => only.length === 0 || Object.keys(s).some((k) => only.includes(k))).map(
    ([name, settings]) => ({ name: `tolerated: ${name}`, settings }),
  ),
];
console.log(`${probes.length} settings files, each run by Claude Code in ${root}`);
let disagree = 0;
let next = 0;
async function worker() {
  for (let i = next++; i < probes.length; i = next++) {
    const p = probes[i]!;
    const project = join(root, `p${i}`);
    const settings = withHook(p.settings, project);
    const outcome = await measure(project, settings);
    const doctor = claudeSettingsProblem(settings) === null ? 'kept' : 'skipped';
    const ok = outcome === doctor;
    if (!ok) disagree++;
    console.log(
      `${ok ? 'ok  ' : 'DIFF'} claude: ${outcome.padEnd(12)} doctor: ${doctor.padEnd(8)} ${p.name}`,
    );
  }
}
await Promise.all([worker(), worker()]);
await model.close();
console.log(`${probes.length - disagree} agree, ${disagree} disagree`);
process.exitCode = disagree === 0 ? 0 : 1;
