import { evaluate } from './condition.js';
import type { Selection, SigmaRule } from './load.js';

type Fields = Record<string, string | string[]>;

function testValue(test: Selection[number][number], value: string, i: number): boolean {
  const v = test.cased ? value : value.toLowerCase();
  const want = test.values[i] as string;
  switch (test.modifier) {
    case 'contains':
      return v.includes(want);
    case 'startswith':
      return v.startsWith(want);
    case 'endswith':
      return v.endsWith(want);
    default:
      return (test.regexes[i] as RegExp).test(value);
  }
}

function fieldMatches(test: Selection[number][number], fields: Fields): boolean {
  const raw = fields[test.field];
  const values = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  // One pattern holds when any of the field's values satisfies it; `|all` needs every pattern to hold.
  const pattern = (i: number) => values.some((v) => testValue(test, v, i));
  return test.all ? test.values.every((_, i) => pattern(i)) : test.values.some((_, i) => pattern(i));
}

/** Whether a rule matches one observation's fields. */
export function matchRule(rule: SigmaRule, fields: Fields): boolean {
  const cache = new Map<string, boolean>();
  return evaluate(rule.condition, (name) => {
    let r = cache.get(name);
    if (r === undefined) {
      const sel = rule.selections[name] ?? [];
      r = sel.some((map) => map.every((t) => fieldMatches(t, fields)));
      cache.set(name, r);
    }
    return r;
  });
}
