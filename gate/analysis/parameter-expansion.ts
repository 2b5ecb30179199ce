import { locationOf } from './location-variables.js';
import type { Env } from './words.js';

/**
 * `${…}` forms whose value the text decides, folded as bash folds them: defaults and alternatives
 * (`${x:-~}`), pattern replacement and trimming of a known value (`${x/a/~}`, `${x%pat}`), substrings
 * (`${x:0}`) and array elements (`${x[1]}`). Returns undefined when the value is known only at run time. An
 * unknown variable with a literal default or alternative takes the literal: it is the value the text chose,
 * and the one a deny must see (`rm -rf ${FOO:-~}`). A variable that names where credentials live is that
 * place (`${KUBECONFIG:-x}`, location-variables.ts).
 */
export function foldExpansion(text: string, env: Env, unknown: string): string | undefined {
  const element = /^\$\{(\w+)\[(\d+)\]\}$/.exec(text);
  if (element) return env.get(`${element[1]}[${Number(element[2])}]`);
  const m = /^\$\{(\w+)(:?[-+=]|\/\/|\/#|\/%|\/|%%|%|##|#|:)(.*)\}$/s.exec(text);
  if (!m) return undefined;
  const [, name = '', op = '', given = ''] = m;
  const rest = given.replace(/\$\{?HOME\}?(?!\w)/g, '~');
  if (/[$`'"]/.test(rest)) return undefined;
  const raw = name === 'HOME' ? '~' : (env.get(name) ?? locationOf(name));
  const value = raw === undefined || raw.includes(unknown) ? undefined : raw;
  switch (op) {
    case ':-':
    case ':=':
      return value !== undefined && value !== '' ? value : rest;
    case '-':
    case '=':
      return value ?? rest;
    case ':+':
      return value === '' ? '' : rest;
    case '+':
      return rest;
  }
  if (value === undefined) return undefined;
  if (op === ':') {
    const [off = '0', len] = rest.split(':');
    if (!/^\s*\d+\s*$/.test(off) || (len !== undefined && !/^\s*\d+\s*$/.test(len))) return undefined;
    const start = Number(off);
    return len === undefined ? value.slice(start) : value.slice(start, start + Number(len));
  }
  if (op.startsWith('/')) {
    const at = rest.search(/(?<!\\)\//);
    const pattern = glob(unescapeGlob(at < 0 ? rest : rest.slice(0, at)), op === '/' || op === '//');
    const replacement = at < 0 ? '' : unescapeGlob(rest.slice(at + 1));
    const anchored = op === '/#' ? `^(?:${pattern})` : op === '/%' ? `(?:${pattern})$` : pattern;
    return value.replace(new RegExp(anchored, op === '//' ? 'g' : ''), () => replacement);
  }
  // `%` / `%%` trim the shortest / longest matching suffix, `#` / `##` the prefix.
  const lazy = op === '%' || op === '#';
  const pattern = glob(unescapeGlob(rest), !lazy);
  return op.startsWith('%')
    ? value.replace(new RegExp(`${lazy ? '(?<=^.*?)' : ''}(?:${pattern})$`, 's'), '')
    : value.replace(new RegExp(`^(?:${pattern})`, 's'), '');
}

/** A glob pattern as a regular expression (`*`, `?`, the rest literal); `greedy` for the longest match. */
function glob(pattern: string, greedy: boolean): string {
  return pattern
    .split('')
    .map((c) =>
      c === '*' ? (greedy ? '.*' : '.*?') : c === '?' ? '.' : c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'),
    )
    .join('');
}

function unescapeGlob(text: string): string {
  return text.replace(/\\(.)/gs, '$1');
}
