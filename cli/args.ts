import { type ParseArgsConfig, parseArgs } from 'node:util';

/** Parses subcommand options; everything after `--` is returned as `rest`. Throws with a clear message. */
export function parseCommandArgs<T extends NonNullable<ParseArgsConfig['options']>>(
  args: string[],
  options: T,
): {
  values: ReturnType<typeof parseArgs<{ options: T; allowPositionals: true }>>['values'];
  positionals: string[];
  rest: string[];
} {
  const dash = args.indexOf('--');
  const own = dash === -1 ? args : args.slice(0, dash);
  const rest = dash === -1 ? [] : args.slice(dash + 1);
  const parsed = parseArgs({ args: own, options, allowPositionals: true, strict: true });
  return { values: parsed.values, positionals: parsed.positionals, rest };
}
