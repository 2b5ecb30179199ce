/** One token of a command line, for highlighting (not for deciding anything: the gate does that). */
export interface ShellToken {
  kind: 'program' | 'arg' | 'flag' | 'op' | 'string' | 'redirect' | 'var' | 'space' | 'comment';
  text: string;
}

const OPS = ['&&', '||', ';;', '|&', '|', ';', '&', '(', ')', '\n'];
const REDIRECT = /^(\d*(>>|>&|<<<|<<|<>|>|<)|&>>?)/;

/**
 * Splits a command line into highlighted tokens: the program of each pipeline stage, flags, quoted
 * strings, variables, operators and redirections. Unbalanced quotes run to the end; nothing is dropped,
 * so the tokens joined give back the exact input.
 */
export function shellTokens(line: string): ShellToken[] {
  const out: ShellToken[] = [];
  let i = 0;
  let expectProgram = true;
  while (i < line.length) {
    const rest = line.slice(i);
    const ws = /^[ \t]+/.exec(rest);
    if (ws) {
      out.push({ kind: 'space', text: ws[0] });
      i += ws[0].length;
      continue;
    }
    const op = OPS.find((o) => rest.startsWith(o));
    if (op) {
      out.push({ kind: 'op', text: op });
      i += op.length;
      expectProgram = true;
      continue;
    }
    if (rest[0] === '#' && (i === 0 || /\s/.test(line[i - 1] ?? ''))) {
      const end = rest.indexOf('\n');
      const text = end < 0 ? rest : rest.slice(0, end);
      out.push({ kind: 'comment', text });
      i += text.length;
      continue;
    }
    const redir = REDIRECT.exec(rest);
    if (redir) {
      out.push({ kind: 'redirect', text: redir[0] });
      i += redir[0].length;
      continue;
    }
    // A word: runs of unquoted text, quoted strings and $-expansions up to whitespace or an operator.
    let j = i;
    let quoted = false;
    let variable = false;
    while (j < line.length) {
      const ch = line[j] as string;
      if (ch === "'" || ch === '"') {
        quoted = true;
        const close = line.indexOf(ch, j + 1);
        j = close < 0 ? line.length : close + 1;
        continue;
      }
      if (ch === '\\') {
        j += 2;
        continue;
      }
      if (ch === '$') variable = true;
      if (/[ \t\n]/.test(ch) || OPS.some((o) => line.startsWith(o, j))) break;
      j++;
    }
    const text = line.slice(i, Math.min(j, line.length));
    let kind: ShellToken['kind'] = 'arg';
    if (expectProgram && !/^\w+=/.test(text)) {
      kind = 'program';
      expectProgram = false;
    } else if (quoted) kind = 'string';
    else if (variable) kind = 'var';
    else if (text.startsWith('-')) kind = 'flag';
    out.push({ kind, text });
    i += Math.max(text.length, 1);
  }
  return out;
}
