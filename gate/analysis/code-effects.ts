/**
 * What inline interpreter code does to files and the environment beyond its calls: the environment printed
 * whole, and the files an in-place edit (`perl -pi -e …`, `ruby -i -pe …`) rewrites.
 */
import { type Call, operands } from './call.js';
import { report } from './context.js';
import { touch } from './effects.js';

/**
 * The whole environment, not one variable of it: Python's `os.environ` (not `.get(…)` or `[…]`), Node's
 * `process.env` (not `.X` or `[…]`), Perl's `%ENV`, Ruby's `ENV` (not `ENV[…]`/`ENV.fetch`), PHP's
 * `getenv()` or `$_ENV`, and `/proc/<pid>/environ`.
 */
const WHOLE_ENVIRONMENT = new RegExp(
  [
    String.raw`\bos\.environ\b(?!\s*(?:\.get\b|\[|\.setdefault\b|\.pop\b))`,
    String.raw`\bos\.environb?\.(?:items|keys|values|copy)\b`,
    String.raw`\bfrom\s+(?:os|posix|nt)\s+import\s+[^\n;]*\benvironb?\b`,
    String.raw`\bgetattr\s*\(\s*\w+\s*,\s*['"]environb?['"]`,
    String.raw`\b(?:posix|nt)\.environb?\b`,
    String.raw`\bos\.environb\b`,
    String.raw`\bprocess\.env\b(?!\s*(?:\.\s*[A-Za-z_]\w*\b(?!\s*\()|\[|\?\.\s*[A-Za-z_]))`,
    String.raw`\bprocess\s*\[\s*['"\`]env['"\`]\s*\](?!\s*(?:\.\s*[A-Za-z_]|\[))`,
    String.raw`\{\s*env\b[^}]*\}\s*=\s*(?:process|require\s*\(\s*['"](?:node:)?process['"]\s*\))`,
    String.raw`require\s*\(\s*['"](?:node:)?process['"]\s*\)\s*\.env\b(?!\s*(?:\.\s*[A-Za-z_]|\[))`,
    String.raw`%ENV\b`,
    String.raw`\bENV\b(?!\s*(?:\[|\.fetch\b|\.key\?|\.has_key\?|\.include\?))(?<!\$ENV)`,
    String.raw`\$_ENV\b`,
    String.raw`\$_SERVER\b(?!\s*\[)`,
    String.raw`\bgetenv\s*\(\s*\)`,
    String.raw`\/proc\/(?:self|\d+|\$\$|\*)\/(?:task\/[^/'"\s]+\/)?environ\b`,
    String.raw`\benviron\s*\(\s*\)`,
  ].join('|'),
);

/** Reports code that reads the whole environment (where the tokens the agent was given live). */
export function scanEnvironmentDump(c: Call, code: string): void {
  const m = WHOLE_ENVIRONMENT.exec(code);
  if (m) report(c.ctx, 'read.env-secrets', `${c.name} code reads ${m[0].trim()} whole`);
}

/**
 * `perl -pi -e CODE FILES`, `perl -i.bak -ne …`, `ruby -i -pe …`: the files named after the code are rewritten
 * in place (a flag cluster before the code holds `i`).
 */
export function inPlaceEdits(c: Call, code: string): void {
  const at = c.args.indexOf(code);
  if (at <= 0) return;
  const flags = c.args.slice(0, at).filter((a) => /^-[a-zA-Z]/.test(a) && !a.startsWith('--'));
  // perl's `-i` takes its backup extension glued (`-i.bak`, `-pi.orig`); `-I dir` is an include path.
  if (!flags.some((f) => /^-[a-zA-HJ-Z]*i/.test(f))) return;
  for (const f of c.args
    .slice(at + 1)
    .filter((a) => !a.startsWith('-'))
    .slice(0, 256))
    touch(c.ctx, f, 'write', c.cwd);
}

/**
 * The files a `python -m` module is given: read (`-m base64 .env`, `-m json.tool in`), and json.tool's second,
 * written (`-m json.tool in out`).
 */
export function moduleFiles(c: Call, mod: string): void {
  const after = c.args.slice(c.args.indexOf('-m') + 2);
  const ops = operands(after).slice(0, 64);
  const writesLast = mod === 'json.tool' && ops.length >= 2;
  ops.forEach((p, i) => {
    if (/^[\w.~/-][^\s]*$/.test(p))
      touch(c.ctx, p, writesLast && i === ops.length - 1 ? 'write' : 'read', c.cwd);
  });
}

/** A string in code naming the agents' hooks, Ward's policy or a shell start-up file. */
const GUARDED_LITERAL =
  /['"`]((?:~\/)?\.(?:claude|codex|gemini|ward|husky|vscode)(?:\/[^'"`\s]*)?|(?:~\/)?\.mcp\.json|~\/\.(?:bashrc|zshrc|profile|bash_profile|ssh\/authorized_keys))['"`]/g;
/** Code that writes, moves or removes files (whatever names them). */
const CHANGES_FILES =
  /\b(?:writeFile\w*|writeTextFile\w*|Bun\.write|appendFile\w*|createWriteStream|rename\w*|rmSync|rmdir\w*|unlink\w*|copyFile\w*|cpSync|write_text|write_bytes|File\.write|IO\.write|file_put_contents|shutil\.\w+|os\.(?:remove|rename|replace|unlink|makedirs))\b|\bopen\s*\([^;]*?,\s*['"](?:[wax]|\+?>)/;

/**
 * Code that changes files and names a guarded place in a string, however the path is put together
 * (`writeFileSync(path.join('.claude', 'settings.json'), …)`, `open(os.path.expanduser('~/.claude/…'), 'w')`):
 * a write there.
 */
export function guardedLiteralsWritten(c: Call, code: string): void {
  if (!CHANGES_FILES.test(code)) return;
  for (const m of code.matchAll(GUARDED_LITERAL)) touch(c.ctx, m[1] ?? '', 'write', c.cwd);
}

/** Calls that run text as code: `eval(x)`, `new Function(x)`, `vm.runInThisContext(x)`, Perl's `eval $x`, `instance_eval`. */
const EVALUATES =
  /\beval\s*\(?\s*(?![\s'"{(])|\b(?:new\s+)?Function\s*\(|\bvm\.(?:runIn\w+|compileFunction)\s*\(|\bnew\s+vm\.Script\s*\(|\b(?:instance|class|module)_eval\s*\(?\s*|\bbinding\.eval\s*\(?/g;
/** Code that fetches over HTTP. */
const FETCHES =
  /\bfetch\s*\(|\bhttps?\.(?:get|request)\b|['"](?:node:)?https?['"]|\baxios\b|\bgot\s*\(|\bundici\b|LWP::|HTTP::Tiny|Mojo::UserAgent|Net::HTTP|open-uri|URI\.open|Faraday|HTTParty/;
/** What a fetch gives: a response's text, LWP's content, `Net::HTTP.get`, open-uri's `URI.open`. */
const FETCHED =
  /\bfetch\s*\(|\.(?:text|arrayBuffer)\s*\(\s*\)|\bhttps?\.get\b|\baxios\b|\bgot\s*\(|->(?:decoded_)?content\b|\bget(?:store)?\s*\(|LWP|HTTP::Tiny|Net::HTTP|URI\.open|URI\([^)]*\)\.read|\bopen\s*\(\s*['"]https?:/;

/**
 * Code that runs what it fetched (`new Function(await (await fetch(u)).text())()`, `eval(get($u))`): the text a
 * call evaluates is a fetch's, directly or through a name set to one (or added to from a response's `data`).
 */
export function runsFetchedCode(code: string): boolean {
  if (!FETCHES.test(code)) return false;
  for (const m of [...code.matchAll(EVALUATES)].slice(0, 32)) {
    const arg = /^[^;\n]{0,300}/.exec(code.slice((m.index ?? 0) + m[0].length))?.[0] ?? '';
    if (FETCHED.test(arg.split(/[)}]/)[0] ?? '')) return true;
    const name = /^\s*([$@]?[A-Za-z_][\w$]*)/.exec(arg)?.[1];
    if (!name) continue;
    const quoted = name.replace(/\$/g, '\\$');
    for (const a of code.matchAll(
      new RegExp(`(?<![\\w$@])${quoted}\\s*([+.]?)=(?!=)\\s*([^;\\n]{0,300})`, 'g'),
    ))
      if (FETCHED.test(a[2] ?? '') || (a[1] && /\bon\s*\(\s*['"]data['"]/.test(code))) return true;
  }
  return false;
}
