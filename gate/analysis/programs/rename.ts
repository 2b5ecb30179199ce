/**
 * `rename FROM TO FILE…` (util-linux) and `rename 's/A/B/' FILE…` (Perl's, Debian's default): a move of each
 * file to its new name, judged as `mv` is (the file is gone from where it was, its new name is written). A Perl
 * expression the gate cannot apply is judged as a write anywhere (`y/_/\//` turns `_home_u_.bashrc` into
 * `/home/u/.bashrc`).
 */
import { type Handler, hasFlag, operands, optionValues } from '../call.js';
import { touch } from '../effects.js';
import { UNKNOWN } from '../script.js';

/**
 * Perl's substitution `s/A/B/flags` with a replacement of plain text, escaped characters (`\/` is `/`) and the
 * groups matched (`$1`, `$&`, as JavaScript spells them too); no `e` flag, no other variable.
 */
const SUBSTITUTION =
  /^s([^\w\s\\])((?:\\.|(?!\1)[^\\])*)\1((?:\\[^\w]|\$[\d&]|(?!\1)[^\\$@])*)\1([gimsx]*)$/s;
/** Perl's transliteration `y/ABC/xyz/` or `tr/a-z/A-Z/`, without flags. */
const TRANSLITERATION = /^(?:y|tr)([^\w\s\\])((?:(?!\1)[^\\])*)\1((?:(?!\1)[^\\])*)\1$/;
/** A first operand that is Perl code, not util-linux's literal FROM. */
const PERL_CODE = /^(?:s|y|tr)[^\w\s\\]|\$_|;/;
/** Names under which only Perl's rename is installed. */
const PERL_ONLY = /^(prename|file-rename|perl-rename)$/;

/** Anywhere under `/`: the name an expression the gate cannot apply gives a file. */
const ANYWHERE = `/${UNKNOWN}`;

/** `a-z` spelled out, as tr's lists are. */
const expand = (list: string) =>
  list.replace(/(.)-(.)/g, (_m, a: string, b: string) =>
    a <= b
      ? String.fromCharCode(
          ...Array.from(
            { length: Math.min(b.charCodeAt(0) - a.charCodeAt(0) + 1, 256) },
            (_, i) => a.charCodeAt(0) + i,
          ),
        )
      : _m,
  );

/** The name Perl's `expr` gives `file`, or ANYWHERE when the gate cannot apply the expression. */
function perlRenamed(expr: string, file: string): string {
  const tr = TRANSLITERATION.exec(expr);
  if (tr) {
    const from = expand(tr[2] ?? '');
    const to = expand(tr[3] ?? '') || from;
    return [...file]
      .map((ch) => (from.includes(ch) ? (to[Math.min(from.indexOf(ch), to.length - 1)] ?? ch) : ch))
      .join('');
  }
  const m = SUBSTITUTION.exec(expr);
  if (!m) return ANYWHERE;
  try {
    const flags = `${m[4]?.includes('g') ? 'g' : ''}${m[4]?.includes('i') ? 'i' : ''}`;
    // An escaped character is itself (`\$` a dollar sign, which JavaScript's replacement spells `$$`).
    const replacement = (m[3] ?? '').replace(/\\(.)/gs, (_m, ch: string) => (ch === '$' ? '$$$$' : ch));
    return file.replace(new RegExp(m[2] ?? '', flags), replacement);
  } catch {
    return ANYWHERE;
  }
}

const rename: Handler = (c) => {
  const given = optionValues(c.args, ['-e', '-E']);
  const ops = operands(c.args, ['-e', '-E']);
  const perl = given.length > 0 || PERL_ONLY.test(c.name) || PERL_CODE.test(ops[0] ?? '');
  let moves: [string, string][];
  if (perl) {
    const expr = given.length > 1 ? '' : (given[0] ?? ops.shift() ?? '');
    moves = ops.map((f) => [f, perlRenamed(expr, f)]);
  } else {
    const [from = '', to = '', ...files] = ops;
    const all = hasFlag(c.args, 'a', '--all');
    const last = hasFlag(c.args, 'l', '--last');
    moves = files.map((f) => {
      if (from === '' || !f.includes(from)) return [f, f];
      if (all) return [f, f.replaceAll(from, to)];
      const at = last ? f.lastIndexOf(from) : f.indexOf(from);
      return [f, `${f.slice(0, at)}${to}${f.slice(at + from.length)}`];
    });
  }
  for (const [from, to] of moves.slice(0, 64)) {
    if (from === to) continue;
    touch(c.ctx, from, 'delete', c.cwd);
    touch(c.ctx, to, 'write', c.cwd);
  }
};

export const RENAME_PROGRAMS: Record<string, Handler> = {
  rename,
  'rename.ul': rename,
  prename: rename,
  'file-rename': rename,
  'perl-rename': rename,
};
