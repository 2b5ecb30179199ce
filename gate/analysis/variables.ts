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
  // `read x y <<< 'a b'`, `read -a x <<< 'a b'`: the names (or the array's elements) hold the words of the
  // line, the last name the rest.
  const names = argv.slice(1).filter((a) => !a.startsWith('-'));
  const options = argv.slice(1).filter((a) => a.startsWith('-'));
  if (argv[0] === 'read' && stdinText !== undefined && !/\n./.test(stdinText) && !env.has('IFS')) {
    const line = stdinText.replace(/\n$/, '');
    const words = line.trim().split(/[ \t]+/);
    if (options.every((o) => o === '-r') && names.length >= 1)
      for (const [i, n] of names.entries())
        env.set(
          n,
          names.length === 1
            ? line.trim()
            : i < names.length - 1
              ? (words[i] ?? '')
              : words.slice(i).join(' '),
        );
    else if (options.every((o) => o === '-r' || o === '-a') && options.includes('-a') && names.length === 1)
      for (const [i, w] of words.entries()) env.set(`${names[0]}[${i}]`, w);
  }
  // `printf -v x FORMAT [ARG]`: a format without conversions, or `%s` of one argument, is the value.
  const v = argv[0] === 'printf' ? argv.indexOf('-v') : -1;
  if (v > 0) {
    const [name, format, ...args] = argv.slice(v + 1);
    if (name && format !== undefined && !format.includes('\\')) {
      if (!format.includes('%') && args.length === 0) env.set(name, format);
      else if (format === '%s' && args.length === 1) env.set(name, args[0] as string);
    }
  }
  // `set -- a b`: the positional parameters `$1`, `$2`… hold them, the first time they are set in the text;
  // set again (in a function, a subshell, a branch not taken…) or shifted, they are known only at run time.
  if (argv[0] === 'shift') forgetPositional(env);
  if (argv[0] === 'set') {
    const values = positionalArguments(argv.slice(1));
    if (values === undefined) return;
    if (env.has('1') || env.has('#set')) forgetPositional(env);
    else {
      env.set('#set', '');
      for (const [i, a] of values.entries()) env.set(String(i + 1), a);
    }
  }
}

/** What `set` makes the positional parameters: the words after its options (and `--`), if any. */
function positionalArguments(args: readonly string[]): string[] | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === '--' || a === '-') return args.slice(i + 1);
    if (a === '-o' || a === '+o') i++;
    else if (!/^[-+][a-zA-Z]+$/.test(a)) return args.slice(i);
  }
  return undefined;
}

/** The positional parameters become known only at run time. */
export function forgetPositional(env: Env): void {
  for (const k of [...env.keys()]) if (/^\d+$/.test(k)) env.set(k, UNKNOWN);
  env.set('#set', '');
  for (let i = 1; i <= 9; i++) env.set(String(i), UNKNOWN);
}

/**
 * `cd rel` from `cwd`: the directory it leads to, as far as known. No cwd is the workspace itself, so a relative
 * destination stays relative (paths.ts resolves it against the workspace).
 */
export function joinCwd(cwd: string | undefined, rel: string): string | undefined {
  if (cwd === UNKNOWN) return UNKNOWN;
  if (cwd === undefined) return rel;
  return `${cwd.replace(/\/$/, '')}/${rel}`;
}

/**
 * Where `cd`, `pushd` or `popd` (after `builtin` or `command`) leaves the shell: the destination as written
 * (absolute, `~…` or relative), UNKNOWN when it cannot be told (`cd -`, `popd`, `pushd +1`, a bad option), or
 * undefined for any other command.
 */
export function cdDestination(argv: readonly string[]): string | undefined {
  let i = 0;
  while (argv[i] === 'builtin' || argv[i] === 'command') i++;
  const name = argv[i];
  if (name !== 'cd' && name !== 'pushd' && name !== 'popd') return undefined;
  if (name === 'popd') return UNKNOWN;
  let j = i + 1;
  for (; j < argv.length; j++) {
    const a = argv[j] as string;
    if (a === '--') {
      j++;
      break;
    }
    if (!/^-[LPe@n]+$/.test(a)) break;
  }
  const rest = argv.slice(j);
  if (rest.length > 1) return UNKNOWN;
  const dest = rest[0] ?? (name === 'cd' ? '~' : UNKNOWN);
  if (dest === '' || dest === '-' || /^[-+]\d*$/.test(dest) || dest.includes(UNKNOWN)) return UNKNOWN;
  return dest;
}
