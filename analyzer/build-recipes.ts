import { posix } from 'node:path';
import { manifestStrings, scriptAssignments, VERSION_RANGE } from './lifecycle-scripts.js';

/**
 * Build recipes a session sets: package scripts (`npm pkg set scripts.build=…`, `jq '.scripts.build = …'`, a
 * package.json written whole or in part) and the recipe lines of a Makefile, Taskfile or justfile it writes. What a
 * build runs is not on its command line (`npm run build`, `yarn build`, `make`, `turbo build`), so what the session
 * sets a build to run is read where it is set, as if run there, whichever runner later runs it.
 */

const MANIFEST = /(?:^|\/)package\.json$/;
const TASK_FILE = /(?:^|\/)(?:(?:GNU)?[Mm]akefile|[^/]+\.mk|[Tt]askfile(?:\.dist)?\.ya?ml|\.?[Jj]ustfile)$/;

/** A file whose text a build runs: package.json's scripts, a Makefile, a Taskfile, a justfile. */
export const isRecipeFile = (path: string): boolean => MANIFEST.test(path) || TASK_FILE.test(path);

/** A command a session set for a later run, and the directory it would run in. */
export interface LaterRun {
  command: string;
  workspace: string;
}

/** What one action sets for later runs; `unknown` when it changed a recipe file with text that is not known. */
export interface RunsSet {
  runs: LaterRun[];
  unknown: boolean;
}

/** A value in package.json that is not a command: a dependency's range, a URL or a local package's place. */
const NOT_A_COMMAND = /^(?:file:|link:|git(?:\+\w+)?:|github:|https?:)/;

/**
 * The scripts of package.json text: its `scripts` member when the text is a whole manifest; else (an edit's
 * fragment, a patch) every string member but a dependency's version or source, since a fragment need not show
 * the `scripts` key its members are under.
 */
function manifestScripts(text: string): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
    const scripts = (parsed as Record<string, unknown>).scripts;
    if (!scripts || typeof scripts !== 'object') return [];
    return Object.values(scripts).filter((v): v is string => typeof v === 'string');
  }
  return manifestStrings(text)
    .map(([, value]) => value)
    .filter((v) => !VERSION_RANGE.test(v) && !NOT_A_COMMAND.test(v));
}

/**
 * The command lines of a Makefile's, Taskfile's or justfile's text, each as the shell would run it: continued
 * lines joined; make's `@`, `-` and `+` prefixes, a YAML item's `- ` and `cmd:` (and a patch's `+`) taken off;
 * make's `$(HOME)` and `$$` read as the shell's `$HOME` and `$`. Rule and variable lines are read too: as
 * commands they name no place a build fills.
 */
function taskLines(text: string): string[] {
  return text
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((line) =>
      line
        .replace(/^[\s@+-]*(?:cmd:\s*)?/, '')
        .replace(/^(["'])(.*)\1\s*$/, '$2')
        .replace(/\$[({]HOME[)}]/g, '$HOME')
        .replaceAll('$$', '$'),
    )
    .filter((line) => line !== '' && !line.startsWith('#'));
}

/** The commands a recipe file's text sets a build to run (its scripts, or its recipe lines). */
export function recipeCommands(path: string, text: string): string[] {
  return MANIFEST.test(path) ? manifestScripts(text) : taskLines(text);
}

/**
 * What one command sets for later runs: the package scripts its words set (run in its working directory), and the
 * commands of a recipe file it writes `literal` text into (run in that file's directory). A recipe file written
 * with text that is not known (`sed -i`, `mv p.tmp package.json`, several files at once) is `unknown`.
 */
export function runsSetLater(
  argvs: readonly (readonly string[])[],
  written: readonly string[],
  literal: string,
  workspace: string,
): RunsSet {
  const runs: LaterRun[] = argvs.flatMap((argv) =>
    scriptAssignments(argv).map((s) => ({ command: s.run, workspace })),
  );
  const recipes = [...new Set(written.filter(isRecipeFile))];
  const only = recipes.length === 1 && new Set(written).size === 1 ? recipes[0] : undefined;
  if (only !== undefined && literal !== '') {
    const dir = posix.dirname(posix.resolve(workspace, only));
    for (const command of recipeCommands(only, literal)) runs.push({ command, workspace: dir });
  }
  return { runs, unknown: recipes.length > 0 && (only === undefined || literal === '') };
}

/**
 * A file tool's write of a recipe file as the equivalent shell write of its text (`cat > f <<'EOF' … EOF`), which
 * the command analysis reads the recipe's commands from (`runsSetLater`); undefined when the path cannot be
 * written so (several files at once, a name the shell would have to quote).
 */
export function recipeWriteCommand(path: string, text: string): string | undefined {
  if (!/^[\w./~@+-]+$/.test(path)) return undefined;
  let delimiter = 'WARD_RECIPE';
  while (text.includes(delimiter)) delimiter += '_';
  return `cat > ${path} <<'${delimiter}'\n${text}\n${delimiter}`;
}
