import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, type Node, parseDocument, type YAMLMap } from 'yaml';
import type { Severity } from '../../schema/index.js';
import { type Condition, parseCondition } from './condition.js';

/**
 * Ward's Sigma subset (documented in analyzer/rules/README.md). A rule file is rejected, with its file and
 * line, when it uses anything outside it: the analyst sees what to change instead of a rule silently
 * matching less than it says.
 */
export const SUPPORTED_MODIFIERS = ['contains', 'startswith', 'endswith', 're', 'all', 'cased'] as const;
type Modifier = (typeof SUPPORTED_MODIFIERS)[number];

/** Fields a rule may name (an observation's fields, observation.ts). */
export const RULE_FIELDS = [
  'agent',
  'kind',
  'action',
  'tool',
  'event_name',
  'command',
  'target',
  'decision',
  'decision_source',
  'cwd',
  'user',
  'repo',
  'binary',
  'binary_path',
  'argv',
  'path',
  'path_read',
  'path_write',
  'host',
  'tags',
  'category',
  'attack',
  'content',
] as const;

const TOP_KEYS = new Set([
  'title',
  'id',
  'status',
  'description',
  'references',
  'author',
  'date',
  'modified',
  'tags',
  'logsource',
  'detection',
  'falsepositives',
  'level',
  'fields',
  'related',
  'license',
  // Ward extensions
  'triage',
  'fixtures',
]);

const LEVELS: Record<string, Severity> = {
  informational: 'info',
  low: 'low',
  medium: 'medium',
  high: 'high',
  critical: 'critical',
};

/** One field test: the field, how to compare, and the values (any of them, or all with `|all`). */
interface FieldTest {
  field: string;
  modifier: 'equals' | 'contains' | 'startswith' | 'endswith' | 're';
  all: boolean;
  cased: boolean;
  values: string[];
  regexes: RegExp[];
}

/** A selection: a map (all tests hold) or a list of maps (any map holds). */
export type Selection = FieldTest[][];

/** A loaded rule, ready to match. */
export interface SigmaRule {
  id: string;
  title: string;
  description: string;
  severity: Severity;
  attack: string[];
  falsepositives: string[];
  triage: string;
  references: string[];
  status: string;
  selections: Record<string, Selection>;
  condition: Condition;
  fixtures: { positive: Record<string, unknown>[]; negative: Record<string, unknown>[] };
  file: string;
}

export class RuleError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    message: string,
  ) {
    super(`${file}:${line}: ${message}`);
  }
}

function globToRegex(s: string, cased: boolean): RegExp {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i] as string;
    if (ch === '\\' && i + 1 < s.length && /[*?\\]/.test(s[i + 1] as string)) {
      out += `\\${s[++i]}`;
    } else if (ch === '*') out += '.*';
    else if (ch === '?') out += '.';
    else out += ch.replace(/[.+^${}()|[\]\\/-]/g, '\\$&');
  }
  return new RegExp(`^${out}$`, cased ? 's' : 'is');
}

/** Parses one rule file's text. Throws RuleError (file:line) for anything outside the subset. */
export function parseRule(text: string, file: string): SigmaRule {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, uniqueKeys: true });
  const lineOf = (n: Node | null | undefined) => (n?.range ? lc.linePos(n.range[0]).line : 1);
  const fail = (n: Node | null | undefined, msg: string): never => {
    throw new RuleError(file, lineOf(n), msg);
  };
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    throw new RuleError(file, e?.linePos?.[0]?.line ?? 1, `not valid YAML: ${e?.message.split('\n')[0]}`);
  }
  const root = doc.contents;
  if (!isMap(root)) return fail(root, 'a rule is a YAML mapping');

  const get = (m: YAMLMap, key: string) => m.items.find((p) => isScalar(p.key) && p.key.value === key);
  for (const p of root.items) {
    const k = isScalar(p.key) ? String(p.key.value) : '';
    if (!TOP_KEYS.has(k)) fail(p.key as Node, `unsupported top-level key '${k}'`);
  }
  const str = (key: string, required = true): string => {
    const p = get(root, key);
    if (!p) return required ? fail(root, `missing '${key}'`) : '';
    if (!isScalar(p.value) || typeof p.value.value !== 'string' || p.value.value.trim() === '')
      return fail(p.value as Node, `'${key}' must be a non-empty string`);
    return p.value.value;
  };
  const strList = (key: string, required = true): string[] => {
    const p = get(root, key);
    if (!p) return required ? fail(root, `missing '${key}'`) : [];
    if (!isSeq(p.value) || p.value.items.length === 0)
      return fail(p.value as Node, `'${key}' must be a list`);
    return p.value.items.map((it) =>
      isScalar(it) && typeof it.value === 'string'
        ? it.value
        : fail(it as Node, `'${key}' items must be strings`),
    );
  };

  const id = str('id');
  if (!/^[a-z0-9][a-z0-9.-]{2,80}$/.test(id))
    fail(
      get(root, 'id')?.value as Node,
      'id must be lowercase letters, digits, dots and dashes (a stable name)',
    );
  const title = str('title');
  const description = str('description');
  const status = str('status', false) || 'experimental';
  const triage = str('triage');
  const levelText = str('level');
  const severity = LEVELS[levelText];
  if (!severity)
    fail(get(root, 'level')?.value as Node, `level must be one of ${Object.keys(LEVELS).join(', ')}`);
  const tags = strList('tags');
  const attack = tags
    .filter((t) => /^attack\.t\d{4}(\.\d{3})?$/i.test(t))
    .map((t) => t.slice('attack.'.length).toUpperCase());
  if (attack.length === 0)
    fail(get(root, 'tags')?.value as Node, 'tags need at least one ATT&CK technique (attack.tNNNN)');
  const falsepositives = strList('falsepositives');
  const references = strList('references', false);

  const logsource = get(root, 'logsource');
  if (!logsource || !isMap(logsource.value)) return fail(root, "missing 'logsource' mapping");
  for (const p of logsource.value.items) {
    const k = isScalar(p.key) ? String(p.key.value) : '';
    const v = isScalar(p.value) ? String(p.value.value) : '';
    if (k === 'product' && v !== 'ward') fail(p.value as Node, "logsource.product must be 'ward'");
    if (k === 'category' && v !== 'agent_events')
      fail(p.value as Node, "logsource.category must be 'agent_events'");
    if (k === 'service' || k === 'definition') continue;
    if (k !== 'product' && k !== 'category') fail(p.key as Node, `unsupported logsource key '${k}'`);
  }

  const det = get(root, 'detection');
  if (!det || !isMap(det.value)) return fail(root, "missing 'detection' mapping");
  const selections: Record<string, Selection> = {};
  let conditionText: string | undefined;
  let conditionNode: Node | undefined;
  for (const p of det.value.items) {
    const name = isScalar(p.key) ? String(p.key.value) : '';
    if (name === 'condition') {
      if (!isScalar(p.value) || typeof p.value.value !== 'string')
        fail(p.value as Node, 'condition must be one string (lists of conditions are not supported)');
      conditionText = (p.value as { value: string }).value;
      conditionNode = p.value as Node;
      continue;
    }
    if (name === 'timeframe') fail(p.key as Node, 'timeframe is not supported (use a sequence detector)');
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name))
      fail(p.key as Node, `'${name}' is not a valid selection name`);
    selections[name] = parseSelection(p.value as Node, fail);
  }
  if (conditionText === undefined) return fail(det.value, 'detection needs a condition');
  let condition: Condition;
  try {
    condition = parseCondition(conditionText, Object.keys(selections));
  } catch (err) {
    return fail(conditionNode, `condition: ${(err as Error).message}`);
  }

  const fx = get(root, 'fixtures');
  if (!fx || !isMap(fx.value)) return fail(root, "missing 'fixtures' (one positive and one negative event)");
  const fixtures = fx.value.toJSON() as { positive?: unknown; negative?: unknown };
  const asList = (v: unknown, which: string) => {
    const list = Array.isArray(v) ? v : v && typeof v === 'object' ? [v] : [];
    if (list.length === 0) fail(fx.value as Node, `fixtures.${which} needs at least one event`);
    return list as Record<string, unknown>[];
  };
  return {
    id,
    title,
    description,
    severity: severity as Severity,
    attack,
    falsepositives,
    triage,
    references,
    status,
    selections,
    condition,
    fixtures: {
      positive: asList(fixtures.positive, 'positive'),
      negative: asList(fixtures.negative, 'negative'),
    },
    file,
  };
}

function parseSelection(node: Node, fail: (n: Node | null | undefined, msg: string) => never): Selection {
  if (isSeq(node)) {
    if (node.items.some((i) => !isMap(i)))
      fail(node, 'keyword lists (plain values without a field) are not supported: name the field');
    return node.items.map((m) => parseMap(m as YAMLMap, fail));
  }
  if (isMap(node)) return [parseMap(node, fail)];
  return fail(node, 'a selection is a mapping of fields (or a list of mappings)');
}

function parseMap(m: YAMLMap, fail: (n: Node | null | undefined, msg: string) => never): FieldTest[] {
  return m.items.map((p) => {
    const keyText = isScalar(p.key) ? String(p.key.value) : '';
    const [field = '', ...mods] = keyText.split('|');
    if (!(RULE_FIELDS as readonly string[]).includes(field))
      fail(p.key as Node, `unknown field '${field}' (fields: ${RULE_FIELDS.join(', ')})`);
    let modifier: FieldTest['modifier'] = 'equals';
    let all = false;
    let cased = false;
    for (const mod of mods) {
      if (!(SUPPORTED_MODIFIERS as readonly string[]).includes(mod))
        fail(p.key as Node, `unsupported modifier '${mod}' (supported: ${SUPPORTED_MODIFIERS.join(', ')})`);
      if (mod === 'all') all = true;
      else if (mod === 'cased') cased = true;
      else if (modifier !== 'equals')
        fail(p.key as Node, 'only one of contains/startswith/endswith/re per field');
      else modifier = mod as Exclude<Modifier, 'all' | 'cased'>;
    }
    const raw = isSeq(p.value) ? p.value.items : [p.value];
    const values = raw.map((v) => {
      if (!isScalar(v) || v.value === null || typeof v.value === 'object')
        return fail((v as Node) ?? (p.key as Node), 'values must be strings, numbers or booleans');
      return String(v.value);
    });
    if (values.length === 0) fail(p.value as Node, 'a field needs at least one value');
    let regexes: RegExp[] = [];
    try {
      regexes =
        modifier === 're'
          ? values.map((v) => new RegExp(v, cased ? '' : 'i'))
          : modifier === 'equals'
            ? values.map((v) => globToRegex(v, cased))
            : [];
    } catch (err) {
      fail(p.value as Node, `bad regular expression: ${(err as Error).message}`);
    }
    return {
      field,
      modifier,
      all,
      cased,
      values: cased ? values : values.map((v) => v.toLowerCase()),
      regexes,
    };
  });
}

/** Loads every `*.yml` rule of a directory (sorted by name); the first bad file throws. */
export function loadRules(dir: string): SigmaRule[] {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.yml') || f.endsWith('.yaml'))
    .sort();
  const rules = files.map((f) => parseRule(readFileSync(join(dir, f), 'utf8'), join(dir, f)));
  const seen = new Set<string>();
  for (const r of rules) {
    if (seen.has(r.id)) throw new RuleError(r.file, 1, `duplicate rule id '${r.id}'`);
    seen.add(r.id);
  }
  return rules;
}
