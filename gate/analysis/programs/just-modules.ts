/**
 * The files a justfile brings in, read as they are now (the caller's reader): `import 'path'` merges another
 * file's recipes, variables and settings into the justfile (any name: one no kind marks was not judged when
 * written), and `mod name` / `mod name 'path'` makes a module of `name.just`, `name/mod.just`, `name/justfile`
 * (or the path), whose recipes `just name::recipe` runs. Each module is judged with the files it imports, as
 * just merges them (a `set shell` in one applies to all). An import or module just would read that the gate
 * cannot (outside the project, past the reading budget, a path only the shell knows) asks; `import?` and
 * `mod?` of a file that is not there are passed over, as just passes them over.
 */
import { posix } from 'node:path';
import type { Call } from '../call.js';
import { report } from '../context.js';
import { classifyPath } from '../paths.js';
import { commandsOf } from '../script-kinds.js';
import { reportRun } from '../script-written.js';

/** How deep imports and modules may nest, and how many files one run may bring in. */
const MAX_DEPTH = 4;
const MAX_FILES = 32;

const STRING = String.raw`'[^'\n]*'|"(?:[^"\\\n]|\\.)*"`;
const IMPORT = new RegExp(String.raw`^import(\?)?[ \t]+(x?)(${STRING})[ \t]*(?:#.*)?$`);
const MOD = new RegExp(
  String.raw`^(?:\[[^\]\n]*\][ \t]*)*mod(\?)?[ \t]+([A-Za-z_][\w-]*)(?:[ \t]+(x?)(${STRING}))?[ \t]*(?:#.*)?$`,
);
/** A line that starts an import or a module, whatever follows (`import """…"""` is not read, and asks). */
const STARTS = /^(?:\[[^\]\n]*\][ \t]*)*(?:import|mod)\??[ \t]/;

interface Walk {
  c: Call;
  read: (path: string) => string | undefined;
  files: number;
}

const JUST_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '"': '"', '\\': '\\' };

/** The text of a just string literal; undefined for what only the shell knows (`x'$HOME/a'`) or is not just's. */
function literal(quoted: string, expanded: boolean): string | undefined {
  let text = quoted.slice(1, -1);
  let known = true;
  if (quoted.startsWith('"'))
    text = text.replace(/\\(?:u\{([0-9a-fA-F]{1,6})\}|([\s\S]))/g, (_, hex?: string, c?: string) => {
      if (hex !== undefined) return String.fromCodePoint(Math.min(Number.parseInt(hex, 16), 0x10ffff));
      const got = JUST_ESCAPES[c ?? ''];
      if (got === undefined) known = false;
      return got ?? '';
    });
  if (!known || (expanded && /[$`]/.test(text))) return undefined;
  return text;
}

/** A path as the reader takes it: `~` kept, others from the importing file's directory. */
function resolvePath(w: Walk, from: string, path: string): string {
  if (path === '~' || path.startsWith('~/') || path.startsWith('/')) return posix.normalize(path);
  return classifyPath(path, { workspace: w.c.ctx.workspace, cwd: posix.dirname(from) }).path;
}

/** The first of `paths` that reads, undefined when none does. */
function firstRead(w: Walk, paths: string[]): [string, string] | undefined {
  for (const p of paths) {
    const text = w.read(p);
    if (text !== undefined) return [p, text];
  }
  return undefined;
}

/** Whether just would find nothing there: the reader reads the place, and none of the files is there. */
function absent(w: Walk, paths: string[]): boolean {
  return paths.every((p) => {
    const zone = classifyPath(p, { workspace: w.c.ctx.workspace }).zone;
    return zone === 'workspace' || zone === 'temp';
  });
}

/** The files just takes a module from: `name.just` or a directory's `mod.just` or justfile; a path names the file or the directory. */
function moduleFiles(dir: string, name: string, target: string | undefined): string[] {
  const inDir = (d: string) =>
    ['mod.just', 'justfile', 'Justfile', 'JUSTFILE', '.justfile'].map((n) => `${d}/${n}`);
  if (target === undefined) return [`${dir}/${name}.just`, ...inDir(`${dir}/${name}`)];
  return [target, ...(/\.just$/i.test(target) ? [] : inDir(target))];
}

function unreadable(w: Walk, from: string, what: string): void {
  report(w.c.ctx, 'exec.script-run-ask', `${from} run by ${w.c.name}: ${what}, which the gate cannot read`);
}

/**
 * The text of one module: the file and those it imports, merged; the modules it declares are judged in turn.
 * Returns the merged text.
 */
function moduleText(w: Walk, path: string, text: string, depth: number, seen: Set<string>): string {
  const parts = [text];
  for (const line of text.split(/\r?\n/)) {
    if (!STARTS.test(line)) continue;
    if (depth >= MAX_DEPTH || w.files >= MAX_FILES) {
      unreadable(w, path, 'imports and modules nested past what the gate follows');
      break;
    }
    const imported = IMPORT.exec(line);
    const mod = imported ? null : MOD.exec(line);
    if (!imported && !mod) {
      unreadable(w, path, `\`${line.trim().slice(0, 80)}\``);
      continue;
    }
    const optional = (imported ?? mod)?.[1] === '?';
    const quoted = imported ? imported[3] : mod?.[4];
    const named =
      quoted === undefined ? undefined : literal(quoted, (imported ? imported[2] : mod?.[3]) === 'x');
    if (quoted !== undefined && named === undefined) {
      unreadable(w, path, `\`${line.trim().slice(0, 80)}\``);
      continue;
    }
    const name = mod?.[2] ?? '';
    const target = named === undefined ? undefined : resolvePath(w, path, named);
    const candidates = imported ? [target ?? ''] : moduleFiles(posix.dirname(path), name, target);
    const got = firstRead(w, candidates);
    if (!got) {
      if (!optional || !absent(w, candidates))
        unreadable(w, path, `${imported ? 'imports' : 'has module'} ${target ?? name}`);
      continue;
    }
    const [file, body] = got;
    if (seen.has(file)) continue;
    seen.add(file);
    w.files++;
    if (imported) parts.push(moduleText(w, file, body, depth + 1, seen));
    else judgeModule(w, file, body, depth + 1);
  }
  return parts.join('\n');
}

/** Judges one module of a justfile (the justfile itself, or a `mod`) with what it imports. */
function judgeModule(w: Walk, path: string, text: string, depth: number): void {
  const merged = moduleText(w, path, text, depth, new Set([path]));
  reportRun(w.c, path, path, commandsOf('just', merged, true));
}

/** Judges what running `just` with the justfile at `path` would run: its recipes and those it brings in. */
export function runJustfile(c: Call, path: string, text: string): void {
  const readScript = c.ctx.readScript;
  if (!readScript) return;
  judgeModule({ c, read: (p) => c.ctx.written?.get(p) ?? readScript(p), files: 0 }, path, text, 0);
}
