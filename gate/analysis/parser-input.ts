import { decodeAnsiC } from './ansi-c.js';

/**
 * Shell text as the grammar (tree-sitter-bash) must see it to find what bash runs. Where its lexing differs
 * from bash in ways an agent can use to hide a command, the text is rewritten into a form both read alike,
 * keeping bash's meaning:
 * - line continuations (backslash + newline) are removed, as bash removes them before it reads words
 *   (`echo a\` + newline + `#;rm -rf ~` runs rm; `cat .e\` + newline + `nv` reads .env), except in single
 *   quotes, `$'…'`, comments and the bodies of here-documents with a quoted delimiter, where bash keeps them;
 * - a backslash before a carriage return (an escaped CR, then the newline that ends the command) becomes a
 *   quoted CR: the grammar took backslash + CR + LF for a continuation;
 * - a bare `$` word (one that starts no expansion: `nice $ ls`, `$ "ls"`) is escaped: bash runs a program
 *   named `$`, the grammar dropped it or joined it with the quoted word after it;
 * - a blank is put before a backslash that starts a line: the grammar read `\cat` on a new line as part of
 *   the last word of the line before;
 * - a `#` inside a word (`[1]#`, `a=(1)#`, `$(x)#y`) is escaped: bash keeps it in the word, the grammar
 *   started a comment; escaped blanks and CR/VT/FF/BOM are quoted (blanks to the grammar, word characters
 *   to bash); `$'…'` becomes a plain single-quoted string of its value; empty quotes glued to a word go.
 * Here-document bodies are skipped as data (a quote in them opens nothing), and so are comments; `$((…))`,
 * `((…))` and `$[…]` are arithmetic (`<<` there is a shift).
 */
export function forParser(text: string): string {
  if (!REWRITABLE.test(text)) return text;
  return new Scanner(text).run().replace(/\n\\/g, '\n \\');
}

/**
 * The readings of a text the gate analyses, the rewrite above first. Where a rewrite could apply, the text as
 * it is (the grammar's own reading), the same rewrites applied everywhere regardless of quoting (`naive`)
 * and, with a here-document, the text without here-document bodies are analysed too, and what any of them
 * finds counts: to hide a command, a text must mislead every one. None adds a command bash cannot run
 * there, except as data inside quotes, comments and here-document bodies.
 */
export function parserViews(text: string): string[] {
  if (!REWRITABLE.test(text) && !text.includes('<<')) return [text];
  const views = [forParser(text), text, naive(text)];
  // Where the grammar ends a here-document later than bash (`cat <<EOF;`, `<<E"O"F`), the commands after
  // it were read as body: the reading without bodies shows them.
  if (text.includes('<<')) views.push(new Scanner(text, true).run());
  return [...new Set(views)];
}

/**
 * Whether a here-document in `text` has no delimiter line: bash reads it to the end of the input, where the
 * grammar gives up on it or reads it otherwise (an unclosed body hid a backquoted command).
 */
export function unterminatedHereDoc(text: string): boolean {
  if (!text.includes('<<')) return false;
  const scanner = new Scanner(text);
  scanner.run();
  return scanner.unterminated;
}

/** The rewrites of forParser by pattern alone, wherever they match. */
function naive(text: string): string {
  return text
    .replace(/\\\r\n/g, "'\r'\n")
    .replace(/[\v\f\ufeff]|\r(?!\n)/g, (c) => `'${c}'`)
    .replace(/(?<=[)\]])#/g, '\\#')
    .replace(/\\\n/g, '')
    .replace(/(?<![\\$])\$(?=[\s;|&)<>]|$)/g, '\\$')
    .replace(/\n\\/g, '\n \\');
}

/** Characters some rewrite below applies to; text without any is read alike by the grammar and bash. */
const REWRITABLE = /[\\$#'"\v\f\r\ufeff]/;

/** Characters bash keeps in a word and the grammar takes for blanks. */
const CONTROL_BLANKS = /[\v\f\r\ufeff]/;

/** Whether `c` would join the word beside it (not a blank, an operator or the end). */
function glued(c: string | undefined): boolean {
  return c !== undefined && !/[\s;|&()<>]/.test(c);
}

/** After a `$` that starts no expansion: a blank, the end, or an operator. */
const BARE_AFTER = /[\s;|&)<>]/;

interface HereDoc {
  delimiter: string;
  quoted: boolean;
  stripTabs: boolean;
}

type Context =
  | { kind: 'code'; parens: boolean[]; closer: ')' | '`' | '' }
  | { kind: 'double' }
  | { kind: 'arith'; parens: number; closer: '))' | ']'; dollar: boolean };

class Scanner {
  // The output in pieces, and its last character: appending to one string and reading its end flattened the
  // whole string each time (quadratic: 250 KB of `$(` took seconds).
  private out: string[] = [];
  private last = ' ';
  private i = 0;
  private readonly stack: Context[] = [{ kind: 'code', parens: [], closer: '' }];
  /** How many `${` are open (in code or in double quotes): a `#` in them is an operator. */
  private braces = 0;
  /** Whether a here-document ran to the end of the text without its delimiter line. */
  unterminated = false;
  /** Whether the last `)` closed part of a word (`$(…)`, `a=(…)`, `<(…)`) rather than a subshell. */
  private closedWordPart = false;
  private pending: HereDoc[] = [];

  constructor(
    private readonly text: string,
    /** Replace each here-document by an empty here-string, its body left out (the reading without bodies). */
    private readonly dropHereDocs = false,
  ) {}

  run(): string {
    const t = this.text;
    while (this.i < t.length) {
      const ch = t[this.i] as string;
      const next = t[this.i + 1];
      const top = this.stack[this.stack.length - 1] as Context;
      if (ch === '\\') {
        this.backslash(next, top.kind === 'code');
      } else if (top.kind === 'arith') {
        // `$(( … ))`, `(( … ))`: `<<` is a shift here, not a here-document.
        if (ch === '$' && next === '(') {
          this.stack.push({ kind: 'code', parens: [], closer: ')' });
          this.emit(2);
          continue;
        }
        if (ch === "'") {
          // Quotes quote nothing in arithmetic: `(( '$(cmd)' ))` runs cmd. Kept as they are (the other
          // readings and evaluatedAgain see the substitution).
          this.emit(1);
          continue;
        }
        if (ch === '(') top.parens++;
        else if (ch === ')' && top.parens > 0) top.parens--;
        else if (top.closer === '))' ? ch === ')' && next === ')' : ch === ']') {
          this.stack.pop();
          this.closedWordPart = top.dollar;
          this.emit(top.closer.length);
          continue;
        }
        this.emit(1);
      } else if (top.kind === 'double') {
        if (ch === '$' && next === '{') this.braces++;
        else if (ch === '}' && this.braces > 0) this.braces--;
        if (ch === '"') this.stack.pop();
        else if (ch === '$' && next === '(' && t[this.i + 2] === '(') {
          this.stack.push({ kind: 'arith', parens: 0, closer: '))', dollar: true });
          this.emit(3);
          continue;
        } else if (ch === '$' && next === '(') {
          this.stack.push({ kind: 'code', parens: [], closer: ')' });
          this.emit(2);
          continue;
        } else if (ch === '`') this.stack.push({ kind: 'code', parens: [], closer: '`' });
        this.emit(1);
      } else this.code(ch, next, top);
    }
    return this.out.join('');
  }

  private put(s: string): void {
    if (s === '') return;
    this.out.push(s);
    this.last = s[s.length - 1] as string;
  }

  private backslash(next: string | undefined, code: boolean): void {
    if (next === '\n') {
      this.i += 2; // a line continuation: gone, as bash reads it
    } else if (next === '\r' && code && this.text[this.i + 2] === '\n') {
      this.put("'\r'");
      this.i += 2;
    } else if ((next === ' ' || next === '\t') && code) {
      // An escaped blank is part of its word; the grammar took a `#` after it for a comment (`echo \ #` + a
      // continued line hid the command after it). Quoted, it reads the same to both.
      this.put(`'${next}'`);
      this.i += 2;
    } else {
      this.put(this.text.slice(this.i, this.i + 2));
      this.i += 2;
    }
  }

  private code(ch: string, next: string | undefined, top: Context & { kind: 'code' }): void {
    const t = this.text;
    // What bash has read before this character: the output, where continued lines are already joined.
    const prev = this.last;
    if (ch === "'") {
      // `''` glued to a word adds nothing to it; the grammar split the word or dropped it (`''\rm -rf ~`).
      if (next === "'" && (glued(prev) || glued(t[this.i + 2]))) {
        this.i += 2;
        return;
      }
      this.copyUntil(t.indexOf("'", this.i + 1));
      return;
    }
    if (ch === '$' && next === "'") {
      // As a plain single-quoted string of its value: the grammar read `$'\\'` on to the next quote.
      const end = ansiEnd(t, this.i + 2);
      const value = decodeAnsiC(t.slice(this.i + 2, end));
      if (value !== '' || !(glued(prev) || glued(t[end + 1])))
        this.put(`'${value.replaceAll("'", "'\\''")}'`);
      this.i = end + 1;
      return;
    }
    if (ch === '"') {
      if (next === '"' && (glued(prev) || glued(t[this.i + 2]))) {
        this.i += 2;
        return;
      }
      this.stack.push({ kind: 'double' });
      this.emit(1);
      return;
    }
    if (ch === '#' && (prev === '$' || this.braces > 0)) {
      this.emit(1); // `$#`, `${#x}`, `${x#pat}`, `${x##*/}`
      return;
    }
    if (ch === '#') {
      if (this.wordStart(prev)) {
        const end = t.indexOf('\n', this.i);
        this.copyUntil(end < 0 ? t.length : end - 1);
      } else {
        // Inside a word (`[1]#`, `a=(1)#`, `$(x)#y`) it is part of the word to bash, not a comment.
        this.put('\\#');
        this.i++;
      }
      return;
    }
    if (CONTROL_BLANKS.test(ch)) {
      // Part of a word to bash, a blank to the grammar (`echo hi\r#;rm -rf ~`, a BOM before `#`).
      this.put(`'${ch}'`);
      this.i++;
      return;
    }
    if (ch === '$' && next === '{') this.braces++;
    else if (ch === '}' && this.braces > 0) this.braces--;
    if (ch === '$' && next === '[') {
      this.stack.push({ kind: 'arith', parens: 0, closer: ']', dollar: true });
      this.emit(2);
      return;
    }
    if ((ch === '$' && next === '(' && t[this.i + 2] === '(') || (ch === '(' && next === '(')) {
      this.stack.push({ kind: 'arith', parens: 0, closer: '))', dollar: ch === '$' });
      this.emit(ch === '$' ? 3 : 2);
      return;
    }
    if (ch === '$' && next === '(') {
      this.stack.push({ kind: 'code', parens: [], closer: ')' });
      this.emit(2);
      return;
    }
    if (ch === '`') {
      if (top.closer === '`') this.stack.pop();
      else this.stack.push({ kind: 'code', parens: [], closer: '`' });
      this.emit(1);
      return;
    }
    if (ch === '(') top.parens.push(/[=<>@!?*+]/.test(prev));
    if (ch === ')') {
      if (top.parens.length > 0) this.closedWordPart = top.parens.pop() as boolean;
      else if (top.closer === ')') {
        this.stack.pop();
        this.closedWordPart = true;
      }
    }
    if (ch === '$' && (next === undefined || BARE_AFTER.test(next))) {
      this.put('\\$');
      this.i++;
      return;
    }
    if (ch === '$' && next === '$') {
      this.emit(2);
      return;
    }
    if (ch === '<' && next === '<' && t[this.i + 2] === '<') {
      this.emit(3); // a here-string
      return;
    }
    if (ch === '<' && next === '<') {
      this.hereDocStart();
      return;
    }
    if (ch === '\n' && this.pending.length > 0) {
      this.emit(1);
      for (const doc of this.pending.splice(0)) this.hereDocBody(doc);
      return;
    }
    this.emit(1);
  }

  /** Whether a `#` after `prev` (the last character output) starts a word, and so a comment. */
  private wordStart(prev: string): boolean {
    if (prev === ')') return !this.closedWordPart;
    return /[\s;|&<>(]/.test(prev);
  }

  private emit(n: number): void {
    this.put(this.text.slice(this.i, this.i + n));
    this.i += n;
  }

  /** Copies through index `end` (inclusive) unchanged; an unclosed quote runs to the end. */
  private copyUntil(end: number): void {
    const stop = end < 0 ? this.text.length : end + 1;
    this.put(this.text.slice(this.i, stop));
    this.i = stop;
  }

  /** `<<WORD` / `<<-WORD`: the delimiter as bash reads it (quotes removed; any quoting means a literal body). */
  private hereDocStart(): void {
    const m = /^<<(-?)([ \t]*)((?:[^\s;|&<>()\\'"]|\\.|'[^']*'|"[^"]*")+)/s.exec(this.text.slice(this.i));
    if (!m) {
      this.emit(2);
      return;
    }
    const word = m[3] as string;
    this.pending.push({
      delimiter: hereDocDelimiter(word),
      quoted: /['"\\]/.test(word),
      stripTabs: m[1] === '-',
    });
    if (this.dropHereDocs) {
      this.put('</dev/null ');
      this.i += m[0].length;
    } else this.emit(m[0].length);
  }

  /** A here-document body up to its delimiter line: data, continued lines joined unless the delimiter was quoted. */
  private hereDocBody(doc: HereDoc): void {
    const t = this.text;
    while (this.i < t.length) {
      let end = t.indexOf('\n', this.i);
      if (end < 0) end = t.length;
      let start = this.i;
      let next = end + 1;
      // Continued lines are joined in pieces, each physical line's ending read once: rebuilding the joined line
      // and matching it again per continuation was quadratic (87,000 continuations took 11 s). What is left of a
      // line before its continuation ends in an even run of backslashes, so the parity of the next line's own
      // trailing run is that of the joined line's.
      const pieces: string[] = [];
      while (!doc.quoted && end < t.length && oddTrailingBackslashes(t, start, end)) {
        pieces.push(t.slice(start, end - 1));
        start = next;
        const more = t.indexOf('\n', next);
        end = more < 0 ? t.length : more;
        next = end + 1;
      }
      pieces.push(t.slice(start, end));
      const line = pieces.join('');
      if (!this.dropHereDocs) this.put(line + (end < t.length ? '\n' : ''));
      this.i = Math.min(next, t.length);
      if ((doc.stripTabs ? line.replace(/^\t+/, '') : line) === doc.delimiter) return;
    }
    this.unterminated = true;
  }
}

/** True when `text[from, to)` ends in an odd number of backslashes (the last one escapes the newline). */
function oddTrailingBackslashes(text: string, from: number, to: number): boolean {
  let n = 0;
  for (let k = to - 1; k >= from && text[k] === '\\'; k--) n++;
  return n % 2 === 1;
}

/** The index of the quote closing a `$'…'` string whose text starts at `i` (backslash escapes inside). */
function ansiEnd(text: string, i: number): number {
  for (let j = i; j < text.length; j++) {
    if (text[j] === '\\') j++;
    else if (text[j] === "'") return j;
  }
  return text.length - 1;
}

/** A here-document's delimiter word as bash matches it: quotes removed (`$'…'` decoded), escapes undone. */
export function hereDocDelimiter(word: string): string {
  return word
    .replace(/\$'((?:[^'\\]|\\.)*)'/g, (_m, body: string) => decodeAnsiC(body))
    .replace(/\\(.)/gs, '$1')
    .replace(/['"]/g, '');
}
