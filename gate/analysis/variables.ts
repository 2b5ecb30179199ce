import { type Env, UNKNOWN } from './words.js';

const SETS_VARIABLES = /^(?:read|mapfile|readarray|getopts|printf)$/;

/**
 * What builtins do to the variables the walk knows: `read`, `printf -v`, `mapfile`, `getopts` set theirs to
 * values known only at run time (a `read` of a here-string to that word; a `… | while read v` loop's variable
 * keeps the line bound to it), `set -- a b` sets the positional parameters.
 */
export function trackBuiltinState(
  argv: readonly string[],
  stdinText: string | undefined,
  env: Env,
  readBound: ReadonlySet<string> | undefined,
): void {
  // Builtins that set the variables they name (`read x`, `printf -v x …`, `mapfile a`, `getopts o v`): their
  // values are known only at run time.
  if (SETS_VARIABLES.test(argv[0] ?? ''))
    for (const [i, a] of argv.entries())
      if (i > 0 && /^[A-Za-z_]\w*$/.test(a) && (argv[0] !== 'printf' || argv[i - 1] === '-v'))
        if (argv[0] !== 'read' || !readBound?.has(a)) env.set(a, UNKNOWN);
  // `read x <<< word`: x holds the word (one line, one name).
  const names = argv.slice(1).filter((a) => !a.startsWith('-'));
  if (argv[0] === 'read' && names.length === 1 && stdinText !== undefined && !/[\n]/.test(stdinText))
    env.set(names[0] as string, stdinText);
  // `set -- a b`: the positional parameters `$1`, `$2`… hold them.
  if (argv[0] === 'set' && argv[1] === '--')
    for (const [i, a] of argv.slice(2).entries()) env.set(String(i + 1), a);
}
