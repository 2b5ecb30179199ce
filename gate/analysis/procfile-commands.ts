/**
 * The command lines of a Procfile (foreman, honcho, overmind, `heroku local`, Rails' `bin/dev`): each line is
 * `name: command`, and the command goes to a shell when the processes start.
 */

const PROCESS = /^[ \t]*[\w.-]+[ \t]*:[ \t]*(.*?)[ \t]*$/;

/** The commands of Procfile text, whole or a piece of it. */
export function procfileCommands(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (/^\s*#/.test(line)) continue;
    const command = PROCESS.exec(line)?.[1];
    if (command) out.push(command);
  }
  return out;
}
