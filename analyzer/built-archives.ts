import { posix } from 'node:path';
import { ARCHIVE, isBuildOutputPath } from './build-output.js';
import type { CommandFacts } from './command-facts.js';
import { factsWorkspace } from './facts.js';
import type { BucketUse } from './object-storage.js';

const BUILT = 'built:';
/** Sources one archive is remembered with; an archive packed from more is not remembered (it stays unknown). */
const MAX_SOURCES = 8;
const MAX_KEY_CHARS = 2048;
/** Options that take the names to pack from a file or standard input: what is packed is not on the line. */
const NAMES_ELSEWHERE = /^(?:-[A-Za-z]*T|--files-from(?:=.*)?|-@|-i@.*|--include-from(?:=.*)?)$/;

const inside = (cwd: string, p: string) => p === cwd || p.startsWith(`${cwd}/`);

/**
 * An archive the session packed from its build output alone (`npm run build && tar czf site.tgz dist`): the command
 * writes only archives inside the working directory, reads only paths there that read as build output, names
 * nothing outside it, takes no names from a file or stdin, and reads no secret. Remembered (as seen by the
 * session from its next action on) with the folders it was packed from, so that uploading it counts as uploading
 * them (`expandBuiltArchives`).
 */
export function builtArchiveKeys(facts: CommandFacts, telemetryCwd: string): string[] {
  const cwd = factsWorkspace(telemetryCwd);
  // A command whose words or paths were not all kept may pack something else too: not remembered.
  if (facts.paths.length === 0 || facts.cut?.some((l) => l === 'paths' || l === 'argv')) return [];
  if (facts.categories.some((c) => c === 'credential-access' || c === 'collection')) return [];
  if (facts.argv.some((w) => NAMES_ELSEWHERE.test(w))) return [];
  if (facts.paths.some((p) => !p.path.startsWith('/') || !inside(cwd, p.path))) return [];
  const writes = facts.paths.filter((p) => p.access === 'write').map((p) => p.path);
  const reads = facts.paths.filter((p) => p.access === 'read').map((p) => posix.relative(cwd, p.path));
  if (writes.length === 0 || reads.length === 0 || reads.length > MAX_SOURCES) return [];
  if (!writes.every((w) => ARCHIVE.test(w)) || !reads.every(isBuildOutputPath)) return [];
  return writes.map((w) => [`${BUILT}${w}`, ...reads].join('\0')).filter((k) => k.length <= MAX_KEY_CHARS);
}

/**
 * A copy's sources with each archive the session packed from build output (`builtArchiveKeys`) replaced by the
 * folders it was packed from; any other archive stays as it is (and so is not build output).
 */
export function expandBuiltArchives(
  use: BucketUse,
  telemetryCwd: string,
  sighted: Iterable<string>,
): BucketUse {
  const cwd = factsWorkspace(telemetryCwd);
  const sources = use.sources ?? [];
  if (!sources.some((s) => ARCHIVE.test(s))) return use;
  const expanded = sources.flatMap((s) => {
    if (!ARCHIVE.test(s)) return [s];
    const prefix = `${BUILT}${posix.resolve(cwd, s)}\0`;
    for (const k of sighted) if (k.startsWith(prefix)) return k.slice(prefix.length).split('\0');
    return [s];
  });
  return { ...use, sources: expanded };
}
