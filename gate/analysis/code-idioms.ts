/**
 * How code in any language starts another process, as one pattern: the calls of the C family and the
 * scripting languages (`system(`, `popen(`, `exec(`), and the idioms of the languages whose code the gate has
 * no parser for: Erlang `os:cmd(`, Elixir `System.cmd(`, Groovy `"…".execute()`, Scala `"…".!`, Clojure
 * `shell/sh`, the Lisps' `(system "…")` and `run-program`, Haskell `callCommand`, PowerShell
 * `Invoke-Expression`, .NET `Process.Start`, Go `exec.Command`, Rust `Command::new`, Ghostscript's
 * `%pipe%`, SQL Server's `xp_cmdshell` and PostgreSQL's `COPY … PROGRAM`. Matching an idiom, not a program, is what catches the next interpreter nobody modelled.
 */
export const RUNS_COMMAND = new RegExp(
  [
    String.raw`\b(?:system\d?|exec[lv]?p?e?|popen|spawn|execute|shell_exec|passthru|proc_open|pcntl_exec)\s*\(`,
    String.raw`\bRuntime\.getRuntime\b|\bProcessBuilder\b|\bProcess\.Start\b|\bexec\.Command\b|\bCommand::new\b`,
    String.raw`\bos\.(?:system|popen|exec\w*)\b|\bos[:.]cmd\s*\(|\bIO\.popen\b|\bOpen3\b|\bsubprocess\b|\bchild_process\b`,
    String.raw`\bSystem\.(?:cmd|shell)\s*\(|\bPort\.open\b|\.execute\s*\(\s*\)|\bsys\.process\b|["')]\.!!?(?![=\w])`,
    String.raw`\bshell\/sh\b|\(\s*(?:system|shell|process\*?|run-program|run-shell-command|open-pipe\*?|open-input-pipe)\s+["(\w]|\b(?:ext|uiop|sb-ext):(?:shell|run-program|run-shell-command)\b`,
    String.raw`\b(?:callCommand|readProcess|spawnCommand|rawSystem|createProcess|callProcess)\b`,
    String.raw`\b(?:Invoke-Expression|Start-Process|Invoke-Command)\b|(?:^|[;|(\s])iex\s+[("'$]`,
    String.raw`%pipe%|\bxp_cmdshell\b|\bCOPY\b[^;]*\bPROGRAM\s+['"]`,
  ].join('|'),
);

/**
 * The same call without parentheses (`system "id"`, `exec $cmd`: Perl, Ruby, Tcl): only in text known to be
 * code, since a shell's own `exec "$@"` reads the same.
 */
export const RUNS_COMMAND_BARE = /\b(?:system|exec|spawn)\s+["'$]/;

/** A shell (absolute path) inside an argument: `/bin/sh`, `exec=/bin/bash`, `!/bin/sh`, `'/bin/sh -i'`. */
export const SHELL_PATH =
  /(?:^|[\s=:!,;'"(|&{`@%])((?:\/usr)?(?:\/local)?\/s?bin\/(?:ba|da|z|k|mk|c|tc|a|fi|y|r|el|x|nu)?sh)(?=$|[\s,;'")|&}#<>`])/;

/** A root directory of the system, home, a dot file or directory on the way, or a name with an extension. */
const FILESYSTEM_PLACE =
  /^(?:~\/|\/(?:etc|home|root|Users|var|tmp|proc|sys|dev|usr|opt|private|Library|System|Volumes|run|srv|mnt|media|boot|lib\w*|s?bin|snap|nix)(?:\/|$)|\/.*(?:\/\.|\.\w+$))/;
/** What comes right before a web route in code: a router's or a client's call, a `url:`. */
const ROUTE_BEFORE =
  /(?:\.(?:get|post|put|patch|delete|all|use|route|head|options|call|request)\s*\(\s*(?:['"][A-Z]+['"]\s*,\s*)?|\bfetch\s*\(\s*|\b(?:url|href|endpoint|route)\s*[:=]\s*)$/i;

/**
 * Whether the absolute path quoted at `at` in code is a web route rather than a file (`app.post('/tokens', …)`,
 * `server.call('GET', '/api/secrets')`): given to a router's or a client's call, and named like no place in the
 * filesystem.
 */
export function isWebRoute(code: string, at: number, path: string): boolean {
  return !FILESYSTEM_PLACE.test(path) && ROUTE_BEFORE.test(code.slice(Math.max(0, at - 48), at));
}
