/**
 * Code that a build runs and the gate has no language model of: Rust (a package's build.rs, run by every
 * `cargo build`), Groovy and Kotlin (Gradle's build, settings and init scripts, run by every `gradle` task), Java
 * (the plugins and tasks of buildSrc and of included builds, compiled and run by the build). A
 * token scan, not a parser: it reads the string literals of the code and hands back the command lines they make,
 * to be judged as typed. Each literal is a command line on its own (`sh -c "…"` holds one whole), a run of
 * literals as one call's arguments is another (`commandLine 'curl', '-d', '@…'`, `Command::new("curl")
 * .arg("-d")`), and a literal that names a file under a dot-directory of the home is a read of that file
 * (`format!("{}/.ssh/id_rsa", home)`). What the code builds at run time is a word known only then.
 */

/** The most command lines one file gives (more than the gate judges: a file past them asks when run). */
const MAX_LINES = 512;

/** One literal: its text, with `${…}`, `$name` and `{}` (interpolations, placeholders) as a run-time word. */
interface Literal {
  text: string;
  start: number;
  end: number;
}

const quote = (w: string) => (w.includes('$UNKNOWN') ? `"${w}"` : `'${w.replaceAll("'", `'\\''`)}'`);

/** The text of a double-quoted literal body: escapes read, interpolations a run-time word. */
function readEscapes(body: string, interpolates: boolean): string {
  let t = body.replace(/\\(u\{[0-9a-fA-F]{1,6}\}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|.)/gs, (_, e: string) => {
    if (e.startsWith('u') || e.startsWith('x')) {
      const code = Number.parseInt(e.replace(/^[ux]\{?|\}$/g, ''), 16);
      return Number.isFinite(code) && code <= 0x10ffff ? String.fromCodePoint(code) : '';
    }
    return { n: '\n', t: '\t', r: '\r', '0': '\0' }[e] ?? e;
  });
  if (interpolates) t = t.replace(/\$\{[^}]*\}|\$[A-Za-z_]\w*/g, '$UNKNOWN');
  return t;
}

/** The languages read: Groovy quotes strings with `'` too; in Rust, Kotlin and Java `'x'` is one character. */
export type BuildLanguage = 'rust' | 'groovy' | 'kotlin' | 'java';

/** The string literals of the code, in order (Rust's raw strings, Groovy's and Kotlin's triple quotes too). */
function literals(code: string, lang: BuildLanguage): Literal[] {
  const out: Literal[] = [];
  const single =
    lang === 'groovy'
      ? String.raw`'((?:[^'\\\n]|\\[^\n]?)*)(?:'|(?=\n)|$)`
      : String.raw`'(?:[^'\\\n]|\\[^'\n]{1,10})'`;
  const re = new RegExp(
    // Each form closes, or runs to the end of the text: an unclosed one is read once, not again from each quote.
    String.raw`\/\/[^\n]*|\/\*[\s\S]*?(?:\*\/|$)|(?<!\w)r(#*)"([\s\S]*?)(?:"\1|$)|"""([\s\S]*?)(?:"""|$)|'''([\s\S]*?)(?:'''|$)|"((?:[^"\\]|\\[\s\S]?)*)(?:"|$)|${single}`,
    'g',
  );
  for (const m of code.matchAll(re)) {
    if (m[0].startsWith('//') || m[0].startsWith('/*') || (m[0].startsWith("'") && lang !== 'groovy'))
      continue;
    const start = m.index ?? 0;
    const raw = m[2] ?? m[3] ?? m[4];
    // A Rust char ('a', '\n') is one character: no command.
    const text =
      raw !== undefined
        ? m[3] !== undefined
          ? raw.replace(/\$\{[^}]*\}|\$[A-Za-z_]\w*/g, '$UNKNOWN')
          : raw
        : m[5] !== undefined
          ? readEscapes(m[5], true).replace(/\{[\w:?]*\}/g, '$UNKNOWN')
          : readEscapes(m[6] ?? '', true);
    out.push({ text, start, end: start + m[0].length });
  }
  return out;
}

/** Between two arguments of one call: a comma, or Rust's next `.arg(`/`.args([` of a chain. */
const BETWEEN = /^\s*(?:,|\)\s*\.\s*args?\s*\(\s*&?\s*(?:\[|vec!\s*\[)?)\s*(?:&\s*)?$/;
/** Before the first argument: a call's or list's opening (`Command::new(`, `commandLine `, `[`). */
const OPENS = /(?:\(|\[|\b(?:commandLine|args|executable|exec)\s*=?\s*)\s*(?:&\s*)?$/;

/** A path under a dot-directory of the home, as the shell writes it (`~/.ssh/id_rsa`). */
function homePath(text: string): string | undefined {
  const m = /^(?:~|\$UNKNOWN|\$HOME|[^/\s]*)(\/\.[\w.-]+\/[^\s'"]*)$/.exec(text);
  if (!m) return undefined;
  return `~${m[1]}`;
}

/** The command lines the string literals of a Rust, Groovy or Kotlin build file make. */
export function buildCodeCommands(code: string, lang: BuildLanguage): string[] {
  const lits = literals(code, lang);
  const out = new Set<string>();
  for (let i = 0; i < lits.length && out.size <= MAX_LINES; i++) {
    const lit = lits[i] as Literal;
    if (/\s/.test(lit.text.trim())) out.add(lit.text);
    const path = homePath(lit.text) ?? (/^\/\S+$/.test(lit.text) ? lit.text : undefined);
    if (path !== undefined) out.add(`cat ${quote(path)}`);
    // A run of literals that are one call's arguments, from the one after an opening.
    if (!OPENS.test(code.slice(Math.max(0, lit.start - 40), lit.start))) continue;
    const words = [lit.text];
    let j = i;
    while (j + 1 < lits.length && words.length < 64) {
      const next = lits[j + 1] as Literal;
      if (!BETWEEN.test(code.slice(lits[j]?.end ?? 0, next.start))) break;
      words.push(next.text);
      j++;
    }
    if (words.length > 1) out.add(words.map(quote).join(' '));
  }
  return [...out];
}
