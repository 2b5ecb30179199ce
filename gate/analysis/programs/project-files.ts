/**
 * How the project tools find the files they run: by a path (read as it is now, or as this command line wrote
 * it), from a directory up (the project's root), or by a pattern or a walk of directories (the caller's lister).
 * A file the lister shows but the reader cannot give (past the reading budget, outside the places the gate
 * reads) is there unread: what runs it asks, as the gate cannot tell what it holds. Code read counts as code
 * does (only what would be risky in any mode asks).
 */
import { posix } from 'node:path';
import { type Call, optionValue } from '../call.js';
import { report } from '../context.js';
import { classifyPath } from '../paths.js';
import { UNKNOWN } from '../script.js';
import { commandsOf, leastRisk, type ScriptKind } from '../script-kinds.js';
import { MAX_JUDGED, reportRun } from '../script-written.js';
import { wrapperTextFinding } from '../wrapper-distribution.js';

/** How many directories above the working directory a project's search is followed. */
const MAX_LEVELS = 32;
/** The most files one walk gives, and how deep it goes. */
const MAX_WALKED = 64;

export const join = (dir: string, name: string) => (dir === '/' ? `/${name}` : `${dir}/${name}`);

/** The text of the file at `path` as this command line wrote it, or as it is now. */
export const textAt = (c: Call, path: string): string | undefined =>
  c.ctx.written?.get(path) ?? c.ctx.readScript?.(path);

/** The directory an option names (or the working directory), resolved; undefined when known only at run time. */
export function startDir(c: Call, options: readonly string[]): string | undefined {
  const dir = optionValue(c.args, options) ?? '.';
  if (dir.includes(UNKNOWN)) return undefined;
  return classifyPath(dir, { workspace: c.ctx.workspace, cwd: c.cwd }).path;
}

/** Each directory from `dir` up to the root, at most MAX_LEVELS above it. */
export function upFrom(dir: string): string[] {
  const out = [dir];
  for (let at = dir; out.length <= MAX_LEVELS && posix.dirname(at) !== at; ) {
    at = posix.dirname(at);
    out.push(at);
  }
  return out;
}

/** Whether the lister shows a file at `path` (false without a lister, or when its directory is unlistable). */
export function listedFile(c: Call, path: string): boolean {
  return c.ctx.listDir?.(posix.dirname(path))?.includes(posix.basename(path)) ?? false;
}

/**
 * The text of a file a tool runs; when the lister shows it there but it cannot be read, that asks (`what`: what
 * the tool does with it) and the result is undefined as for an absent file.
 */
export function codeAt(c: Call, path: string, what: string): string | undefined {
  const text = textAt(c, path);
  if (text === undefined && listedFile(c, path))
    report(c.ctx, 'exec.script-run-ask', `${path} ${what} by ${c.name}: a file the gate cannot read`);
  return text;
}

/** Judges the commands a file hands over; more than the gate judges asks, as the rest is unread. */
export function judgeHanded(c: Call, path: string, commands: string[], least = 0): void {
  reportRun(c, path, path, commands, least);
  if (commands.length > MAX_JUDGED)
    report(c.ctx, 'exec.script-run-ask', `${path} run by ${c.name}: more commands than the gate reads`);
}

/** Judges the code file at `path` as `kind` when it reads (asks when it is there unread); its text. */
export function judgeCode(c: Call, path: string, kind: ScriptKind): string | undefined {
  const text = codeAt(c, path, 'run');
  if (text === undefined || text.trim() === '') return text;
  judgeHanded(c, path, commandsOf(kind, text, true), leastRisk(kind));
  return text;
}

/** Tells that a tool runs files found by a pattern or a walk the gate cannot list (`what`: the files). */
export function unlisted(c: Call, what: string): void {
  report(c.ctx, 'exec.script-run-ask', `${what} run by ${c.name}: files the gate cannot list`);
}

/** A glob's part as a regular expression (`*`, `?`, `[…]`); null when it is a plain name. */
function partPattern(part: string): RegExp | null {
  if (!/[*?[]/.test(part)) return null;
  const re = part
    .replace(/[.+^${}()|\\]/g, '\\$&')
    .replaceAll('*', '[^/]*')
    .replaceAll('?', '[^/]');
  return new RegExp(`^${re}$`);
}

/**
 * The directories a pattern (`crates/*`, `libs/*-core`) names under `base`, by the lister; undefined when the
 * lister is missing or a directory on the way cannot be listed.
 */
export function globDirs(c: Call, base: string, pattern: string): string[] | undefined {
  let dirs = [base];
  for (const part of pattern.split('/').filter((p) => p !== '' && p !== '.')) {
    // Any depth of directories: more than a bounded listing can promise to cover.
    if (part.includes('**')) return undefined;
    const re = partPattern(part);
    const next: string[] = [];
    for (const d of dirs) {
      if (!re) {
        next.push(part === '..' ? posix.dirname(d) : join(d, part));
        continue;
      }
      const names = c.ctx.listDir?.(d);
      if (!names) return undefined;
      for (const n of names)
        if (n.endsWith('/') && re.test(n.slice(0, -1))) next.push(join(d, n.slice(0, -1)));
    }
    dirs = next.slice(0, MAX_WALKED);
  }
  return dirs;
}

/**
 * The files under `dir` (at most `depth` directories down) whose name `accept`s, by the lister: undefined when it
 * is missing, [] when `dir` is absent. Past MAX_WALKED files the rest is unknown: undefined too.
 */
export function walkFiles(c: Call, dir: string, accept: RegExp, depth: number): string[] | undefined {
  if (!c.ctx.listDir) return undefined;
  const out: string[] = [];
  const queue: [string, number][] = [[dir, 0]];
  let listed = 0;
  while (queue.length > 0) {
    const [d, level] = queue.shift() as [string, number];
    const names = c.ctx.listDir(d);
    if (names === undefined) {
      // An absent directory holds nothing; one there but unlistable holds what the gate cannot know.
      const there = c.ctx.listDir(posix.dirname(d))?.includes(`${posix.basename(d)}/`) ?? false;
      if (level === 0 && !there) return [];
      return undefined;
    }
    if (++listed > MAX_WALKED) return undefined;
    for (const n of names)
      if (n.endsWith('/')) {
        if (level < depth) queue.push([join(d, n.slice(0, -1)), level + 1]);
      } else if (accept.test(n)) {
        out.push(join(d, n));
        if (out.length > MAX_WALKED) return undefined;
      }
  }
  return out;
}

/** Judges the wrapper properties at `path` that the wrapper run now downloads from. */
export function judgeWrapper(c: Call, path: string): void {
  const text = codeAt(c, path, 'downloaded from');
  const found = text === undefined ? undefined : wrapperTextFinding(text, c.ctx.hosts);
  if (found) report(c.ctx, 'supply.package-source', `${path}: ${c.name} downloads and runs ${found}`);
}
