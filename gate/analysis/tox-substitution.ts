/**
 * tox's `{…}` substitutions in a value, put in as tox puts them (innermost first, what they give read again): a
 * reference to another value of the file (`{[base]cmd}`, `{[testenv:x]commands}`, `{key}`), a variable the file
 * sets (`{env:X}` from `set_env`), and the default tox falls back to (`{posargs:x}`, `{env:X:x}`, `{tty:a:b}`).
 * What only the run knows (`{envpython}`, a variable not set here, the arguments given) is an unknown word, and
 * a reference the file does not hold, a loop or too much text is unresolved: the caller asks rather than guess.
 */

/** Stands for a word only the run knows; the caller writes it as the shell's unknown word. */
export const TOX_UNKNOWN = '\uE000';

/** What a substitution may look up in the file. */
export interface ToxLookup {
  /** The text of `[section]key` (no section: the current environment's own `key`), undefined when not there. */
  ref(section: string | undefined, key: string): string | undefined;
  /** The value the file's `set_env` gives a variable. */
  env(name: string): string | undefined;
}

export interface ToxExpansion {
  text: string;
  /** The references the file does not resolve (the value as given when it passes the bounds). */
  unresolved: string[];
}

/** How many substitutions one value may take, and how long it may grow (tox itself stops at 100 levels). */
const MAX_STEPS = 256;
const MAX_CHARS = 16 * 1024;

/** How much text the substitutions of one file may go over, shared by its values (each step reads the value). */
export interface ToxBudget {
  chars: number;
}
/** The budget of one file's substitutions. */
export const toxBudget = (): ToxBudget => ({ chars: 1024 * 1024 });

/** tox's escapes (`\{`, `\}`, `\[`, `\]`, `\:`) kept apart from what it reads as substitutions. */
const ESCAPED: Record<string, string> = {
  '{': '\uE001',
  '}': '\uE002',
  '[': '\uE003',
  ']': '\uE004',
  ':': '\uE005',
};
const UNESCAPED = Object.fromEntries(Object.entries(ESCAPED).map(([k, v]) => [v, k]));

const REF = /^\[([^\]]*)\]([^:]*)(?::([\s\S]*))?$/;
const KEY = /^([\w-]+)(?::([\s\S]*))?$/;

/**
 * `value` with its substitutions put in. `pick` chooses which of two outcomes only the run decides is taken
 * (`{tty:on:off}`): a caller that reads the value both ways has read every outcome.
 */
export function expandTox(value: string, look: ToxLookup, budget: ToxBudget, pick: 0 | 1 = 0): ToxExpansion {
  const unresolved: string[] = [];
  let text = marked(value);
  for (let step = 0; ; step++) {
    // `[]` is `{posargs}`.
    const posargs = text.indexOf('[]');
    const m = /\{([^{}]*)\}/.exec(text);
    if (posargs < 0 && !m) break;
    budget.chars -= text.length;
    if (step >= MAX_STEPS || text.length > MAX_CHARS || budget.chars < 0) {
      unresolved.push(value.slice(0, 120));
      break;
    }
    if (posargs >= 0 && (!m || posargs < m.index)) {
      text = `${text.slice(0, posargs)}${TOX_UNKNOWN}${text.slice(posargs + 2)}`;
      continue;
    }
    if (!m) break;
    const got = substitute(m[1] ?? '', look, pick);
    if (got === undefined) unresolved.push(m[0]);
    text = `${text.slice(0, m.index)}${got ?? TOX_UNKNOWN}${text.slice(m.index + m[0].length)}`;
  }
  return { text: text.replace(/[\uE001-\uE005]/g, (c) => UNESCAPED[c] ?? c), unresolved };
}

/** Text of the file with its escapes marked; the marks stand for nothing tox runs when the file holds them. */
function marked(text: string): string;
function marked(text: string | undefined): string | undefined;
function marked(text: string | undefined): string | undefined {
  return text
    ?.replace(/[\uE000-\uE005]/g, '\uFFFD')
    .replace(/\\([{}[\]:])/g, (_, c: string) => ESCAPED[c] ?? c);
}

/** What one `{inner}` gives; undefined for a reference the file does not resolve. */
function substitute(inner: string, look: ToxLookup, pick: 0 | 1): string | undefined {
  if (inner === '/') return '/';
  if (inner === ':') return ':';
  const [type = '', ...args] = inner.split(':');
  const rest = (from: number) => (args.length > from ? args.slice(from).join(':') : undefined);
  switch (type) {
    case 'posargs':
      return rest(0) ?? TOX_UNKNOWN;
    case 'env':
      return marked(look.env(args[0] ?? '')) ?? rest(1) ?? TOX_UNKNOWN;
    case 'tty':
      return args[pick] ?? '';
    case 'glob':
    case 'factor':
      return rest(1) ?? TOX_UNKNOWN;
  }
  const ref = REF.exec(inner);
  if (ref) return marked(look.ref(ref[1] ?? '', ref[2] ?? '')) ?? ref[3];
  const key = KEY.exec(inner);
  if (key) return marked(look.ref(undefined, key[1] ?? '')) ?? key[2] ?? TOX_UNKNOWN;
  // A generative list (`{py311,py312}`), a brace of the command's own (`python -c "{'a': 1}"`).
  return TOX_UNKNOWN;
}
