import type { Node } from 'web-tree-sitter';

/**
 * Commands bash runs that tree-sitter-bash leaves as text: backquotes inside `${…}` (`${x:-`cmd`}`) and in a
 * `[[ =~ ]]` regex, backquotes and `$(…)` in the body of a here-document whose delimiter is not quoted, and a
 * backquote escaped inside another backquote (`` `echo \`cmd\`` `` runs cmd). Returns the text of each such
 * command, as bash reads it.
 */
export function hiddenBackquoted(root: Node): string[] {
  const out: string[] = [];
  for (const n of root.descendantsOfType(['expansion', 'heredoc_body', 'command_substitution', 'regex'])) {
    if (!n) continue;
    if (n.type === 'heredoc_body') {
      // The grammar misses `$(…)` in a body line that starts with a blank, and misreads backslashes before it.
      if (!quotedHereDoc(n)) out.push(...segments(n.text), ...dollarParens(n.text));
    } else if (n.type === 'command_substitution') {
      // Inside backquotes, `\`` is a backquote of the command they hold; two substitutions side by side
      // (`` `a``b` ``) were read as one.
      if (n.text.startsWith('`') && n.text.includes('\\`')) out.push(unescapeBackquoted(n.text.slice(1, -1)));
      if (n.text.startsWith('`') && segments(n.text).length > 1) out.push(...segments(n.text));
    } else {
      out.push(...segments(n.text));
      // `${x:-<(cmd)}`, `[[ a =~ <(cmd) ]]`: process substitutions the grammar leaves as text.
      out.push(...balanced(n.text, /[<>]\(/g));
    }
  }
  return out;
}

/** The commands of each `$(…)` in `text` (parentheses balanced; `$((` is arithmetic and skipped). */
function dollarParens(text: string): string[] {
  return balanced(text, /\$\((?!\()/g);
}

/** The text inside the balanced parentheses after each match of `opener` (which ends with the `(`). */
function balanced(text: string, opener: RegExp): string[] {
  const found: string[] = [];
  for (const m of text.matchAll(opener)) {
    const i = (m.index ?? 0) + m[0].length - 2;
    let depth = 0;
    for (let j = i + 1; j < text.length; j++) {
      // A comment inside runs to the end of its line: its parentheses close nothing (`$(# )` + newline + cmd).
      if (text[j] === '#' && /[\s(;|&]/.test(text[j - 1] ?? ' ')) {
        const eol = text.indexOf('\n', j);
        if (eol < 0) break;
        j = eol;
        continue;
      }
      if (text[j] === '(') depth++;
      else if (text[j] === ')' && --depth === 0) {
        found.push(text.slice(i + 2, j));
        break;
      }
    }
  }
  return found;
}

/** Whether a here-document body belongs to a redirect whose delimiter is quoted (a literal body). */
function quotedHereDoc(body: Node): boolean {
  const start = body.parent?.children.find((c) => c?.type === 'heredoc_start');
  return start === undefined || start === null || /['"\\]/.test(start.text);
}

/** The commands between unescaped backquotes in `text`, unescaped. */
function segments(text: string): string[] {
  const found: string[] = [];
  let open = -1;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '`') {
      if (open < 0) open = i;
      else {
        found.push(unescapeBackquoted(text.slice(open + 1, i)));
        open = -1;
      }
    }
  }
  return found;
}

/** Backslash before `$`, a backquote or a backslash is removed inside backquotes (bash's old-style rule). */
function unescapeBackquoted(text: string): string {
  return text.replace(/\\([$`\\])/g, '$1');
}
