// The shape of one simple command as script.ts reads it (kept apart so helpers can share it without a cycle).

export interface Redirect {
  op: string;
  /** File descriptor number when given (`2>`), else ''. */
  fd: string;
  target: string;
}

/** One simple command as the shell would run it, with words evaluated as far as statically possible. */
export interface SimpleCommand {
  argv: string[];
  /** Raw source text of each argument (before evaluation), same length as argv. */
  raw: string[];
  /** Variable assignments in front of the command, or the whole statement when argv is empty. */
  assigns: { name: string; value: string }[];
  redirects: Redirect[];
  /** Text on standard input: a here-document's or here-string's, '' for `</dev/null` (undefined: unknown). */
  stdinText?: string;
  /** A here-string's source text (`<<< "$TOKEN"`), before evaluation. */
  hereRaw?: string;
  /** The command whose output this one reads through a pipe. */
  pipeFrom?: SimpleCommand;
  /** The command that reads this one's output through a pipe. */
  pipeTo?: SimpleCommand;
  /** Directory the command runs in when a preceding `cd` made it known. */
  cwd?: string;
  inLoop: boolean;
  /** True for commands inside `$( )`, `<( )` or backticks. */
  substituted: boolean;
}
