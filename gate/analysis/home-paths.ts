import { type AnalysisContext, probe, report } from './context.js';
import { touch } from './effects.js';

/** Code that asks for the home directory, in the languages agents write one-liners in. */
const HOME_REF =
  /expanduser\s*\(|Path\.home\s*\(|\bhomedir\s*\(|environ(?:\.get)?\s*[[(]\s*['"]HOME|process\.env(?:\.HOME|\[\s*['"]HOME)|getenv\s*\(\s*['"]HOME|ENV\s*\[\s*['"]HOME|ENV\.fetch\s*\(\s*['"]HOME|Dir\.home|expand_path\s*\(\s*['"]~|\$ENV\{\s*['"]?HOME|\$_SERVER\s*\[\s*['"]HOME|UserHomeDir|home_dir\s*\(/;
/** A string constant that can be one or more parts of a path. */
const PART = /^\.?[\w@.+-]+(?:\/[\w@.+-]+)*$/;
/** Constants that are arguments, not path parts (encodings, open modes, the home directory itself). */
const NOT_A_PART = /^(~|HOME|utf-?8|ascii|latin-?1|base64|hex|binary|[rwa]b?\+?)$/i;
/** Signs that the code writes (as well as reads): Perl's `open(F, '>', …)` and `">$file"` among them. */
const WRITES =
  /write_text|write_bytes|writeFile|writeTextFile|Bun\.write|appendFile|['"][wa]\+?b?['"]|['"]\+?>{1,2}['"]|File\.write|(?<!=)>>?\s*\$|open\s*\(\s*[^,)]*,\s*['"][wa]/;
/** A string that starts with the home directory put in (`${os.homedir()}/…`, `"$ENV{HOME}/…"`, `"#{Dir.home}/…"`). */
const HOME_FIRST = /^(?:\$\{[^{}]*\}|#\{[^{}]*\}|\$ENV\{[^{}]*\}|\$\w+)(?=\/)/;

/**
 * A path built at run time from the home directory and string parts (`Path.home().joinpath('.ssh','id_rsa')`,
 * `path.join(os.homedir(), '.aws', 'credentials')`, `Path.home() / '.ssh' / 'id_rsa'`): every run of
 * consecutive string parts is tried under `~`, and what a secret place shows is reported. Over-approximates on
 * purpose; only secret and start-up places are reported, so an everyday `~/.config/app` costs nothing.
 */
export function scanHomeJoins(code: string, ctx: AnalysisContext): void {
  if (!HOME_REF.test(code)) return;
  const parts: string[] = [];
  for (const m of code.matchAll(/(['"`])((?:\\.|(?!\1)[^\n\\])*)\1/g)) {
    const lit = (m[2] ?? '').replace(HOME_FIRST, '').replace(/^\/+|\/+$/g, '');
    parts.push(PART.test(lit) && !NOT_A_PART.test(lit) ? lit : '');
  }
  // Code that writes may still only read the place it names (a key it sends, a file it writes elsewhere).
  const accesses = WRITES.test(code) ? (['write', 'read'] as const) : (['read'] as const);
  // Secrets and start-up files live in dot files and dot directories right under home: start there, and
  // prefer the longest run (`.ssh` + `id_rsa`) so the reason names the file.
  for (let i = 0; i < parts.length && i < 256; i++) {
    if (!parts[i]?.startsWith('.')) continue;
    for (let j = Math.min(parts.length, i + 3); j > i; j--) {
      const run = parts.slice(i, j);
      if (run.some((p) => p === '')) continue;
      const path = `~/${run.join('/')}`;
      for (const access of accesses) {
        const side = probe(ctx);
        touch(side, path, access);
        const hit = side.findings.find((f) =>
          access === 'read'
            ? f.rule.startsWith('read.') && f.rule !== 'read.system' && f.rule !== 'read.outside'
            : f.rule.startsWith('persist.') || f.rule === 'evade.disable-security',
        );
        if (hit) {
          report(ctx, hit.rule, `${hit.detail} (a path built from the home directory)`);
          return;
        }
      }
    }
  }
}
