/**
 * Whether quoted text in a command is evaluated again by bash, so that a command substitution inside the quotes
 * runs after all: as an array subscript in arithmetic (`let 'a[$(cmd)]'`, `[[ 'a[$(cmd)]' -eq 1 ]]`, `test -v`,
 * `printf -v`, `read`, `declare`, `((…))`, `${y[x]}`), as a prompt (`${x@P}`, `PS4` with `set -x`), or in
 * `${x:-'…'}` where the quotes quote nothing (a here-document body, arithmetic).
 *
 * Each test reads the text once. As regular expressions (`\w\[[^\]]*\$\(`, `\$\{[^}]*'[^']*\$\(` and the
 * like) they restarted at every opener and were quadratic: 250 KB of unclosed `$((` took 15 s.
 */
export function evaluatedAgain(text: string): boolean {
  // Empty quotes and backslashes inside a word do not change it to bash (`l''et`, `decla\re`).
  const t = text.replace(/''|""/g, '').replace(/\\([A-Za-z])/g, '$1');
  if (quotedSubstitutionAfter(t, arithmeticOpener, ')]')) return true;
  if (/['"]/.test(t) && subscriptSubstitution(t) && ARITHMETIC.test(t)) return true;
  if (/@P\}|\bPS4=/.test(t) && /\$\(|`/.test(t)) return true;
  // A here-document begun inside backquotes: bash ends the substitution at the next backquote, in the body.
  if (/`[^`]*<<(?!<)/.test(t)) return true;
  return quotedSubstitutionAfter(t, (s, i) => (s[i] === '$' && s[i + 1] === '{' ? 2 : 0), '}', true);
}

/** Constructs that evaluate a string as arithmetic, where a subscript's substitution runs. */
const ARITHMETIC =
  /\blet\b|\(\(|\[\[|\btest\b|(?:^|[\s;&|(])\[\s|\bprintf\s+-v|\bread\b|\bdeclare\b|\btypeset\b|\blocal\b|\$\{!|\$\{#?\w+\[|\$\[/;

const WORD = /\w/;

/** `((`, `$[` or a word character then `[`: the length of the opener at `i`, or 0. */
export function arithmeticOpener(s: string, i: number): number {
  const c = s[i];
  const n = s[i + 1];
  if ((c === '(' && n === '(') || (c === '$' && n === '[')) return 2;
  return n === '[' && c !== undefined && WORD.test(c) ? 2 : 0;
}

function substitutionAt(s: string, i: number): boolean {
  return s[i] === '`' || (s[i] === '$' && s[i + 1] === '(');
}

/**
 * True when, after an opener and before any of `closers`, a single quote starts text that holds a command
 * substitution before the next single quote. With `quotesInside`, quotes between the opener and that one do not
 * end the opener's reach (`${x:-'a' '$(cmd)'}`); without, only the first quote after the opener counts. The
 * text between two quotes is searched at most once, so the whole test reads the text about twice.
 */
export function quotedSubstitutionAfter(
  s: string,
  opener: (s: string, i: number) => number,
  closers: string,
  quotesInside = false,
): boolean {
  let live = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i] as string;
    if (c === "'") {
      if (live) {
        const end = s.indexOf("'", i + 1);
        const stop = end === -1 ? s.length : end;
        for (let j = i + 1; j < stop; j++) if (substitutionAt(s, j)) return true;
      }
      if (!quotesInside) live = false;
    } else if (closers.includes(c)) live = false;
    else if (opener(s, i) > 0) live = true;
  }
  return false;
}

/** A command substitution after a subscript's `[` and before its `]` (`a[$(cmd)]`, `a[0+$(cmd)]`). */
export function subscriptSubstitution(s: string): boolean {
  let live = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i] as string;
    if (c === ']') live = false;
    else if (c === '[' && i > 0 && WORD.test(s[i - 1] as string)) live = true;
    else if (live && substitutionAt(s, i)) return true;
  }
  return false;
}
