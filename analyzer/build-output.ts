import { posix } from 'node:path';
import type { CommandFacts } from './command-facts.js';
import { factsWorkspace } from './facts.js';
import type { BucketUse } from './object-storage.js';

/** Files that pack or dump anything given them: what is in one is not told by its name. */
export const ARCHIVE =
  /\.(?:tar|tgz|tbz2?|txz|gz|bz2|xz|zst|lz4|zip|7z|rar|jar|war|cpio|iso|img|sql|dump|bak|pem|key|p12|pfx|kdbx)$/i;
/** A URL or a remote's place (`s3://b`, `remote:path`), not a path here. */
const REMOTE = /^[a-z][\w+.-]*:/i;

/**
 * A source that reads as a project's build output: a relative path below the working directory (never `.` itself,
 * `..`, the home directory, an absolute path or a variable), with no hidden part (`.git`, `.env`, `.ssh`) and not
 * an archive or dump, whose content its name does not tell.
 */
export function isBuildOutputPath(source: string): boolean {
  if (source === '-' || /[$`~\\]/.test(source) || source.startsWith('/') || REMOTE.test(source)) return false;
  const parts = source.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.length === 0 || parts.some((p) => p === '..' || p.startsWith('.'))) return false;
  return !ARCHIVE.test(source);
}

/**
 * Whether a copy into a bucket sends only the project's build output (`aws s3 sync dist/ s3://site`): it names its
 * sources, each reads as build output, and the command reads no secret and collects nothing from elsewhere.
 */
export function copiesBuildOutput(use: BucketUse, facts: CommandFacts): boolean {
  const sources = use.sources ?? [];
  // Sources past those listed are not known: any could be the secret.
  if (use.moreSources || sources.length === 0 || !sources.every(isBuildOutputPath)) return false;
  return !facts.categories.some((c) => c === 'credential-access' || c === 'collection');
}

/** The prefix of a sighted key naming a place the session filled from outside the working directory. */
export const FILLED_KEY = 'filled:';
const FILLED = FILLED_KEY;
/**
 * Most folders one command is said to fill from elsewhere (its write paths inside the working directory); one that
 * fills more is said to fill the whole working directory (`mkdir -p a b c d && cp -r ~/.ssh dist/k` named dist/k
 * ninth, after each folder twice, and it was not remembered).
 */
const MAX_FILLED = 8;
/** The places filled, each once; past MAX_FILLED, the working directory itself. */
const filledPlaces = (places: Iterable<string>, cwd: string): string[] => {
  const distinct = [...new Set(places)];
  return (distinct.length > MAX_FILLED ? [cwd] : distinct).map((p) => `${FILLED}${p}`);
};

const inside = (cwd: string, p: string) => p === cwd || p.startsWith(`${cwd}/`);

/** A path inside the working directory with a hidden part (`.env`, `.git/config`, `config/.aws/credentials`). */
const hiddenInside = (cwd: string, p: string) =>
  inside(cwd, p) &&
  posix
    .relative(cwd, p)
    .split('/')
    .some((part) => part.startsWith('.') && part !== '.');

/**
 * The places in the working directory a command fills from outside it or from a hidden file in it (`cp -r ~/.ssh
 * dist/`, `ln -sfn ~ public`, `tar -xf /tmp/h.tar -C dist`, `zip site.zip .env`): each of its write paths inside the
 * working directory, when the command also names a path outside it or reads a hidden one in it. Counted as seen by
 * the session (its sighted keys) from its next action on. A command whose paths were not all kept fills the whole
 * working directory.
 */
export function filledKeys(facts: CommandFacts, telemetryCwd: string): string[] {
  const cwd = factsWorkspace(telemetryCwd);
  const fromElsewhere = facts.paths.some(
    (p) =>
      p.path.startsWith('~') ||
      // `2>/dev/null` discards; reading it gives nothing.
      (p.path.startsWith('/') && !inside(cwd, p.path) && p.path !== '/dev/null') ||
      (p.access === 'read' && hiddenInside(cwd, p.path)),
  );
  if (!fromElsewhere) return [];
  // Paths the facts left out (analyzer/facts-bounds.ts keeps those outside first, then writes) may be written:
  // the whole working directory is said filled.
  if (facts.cut?.includes('paths')) return filledPlaces([cwd], cwd);
  const places = facts.paths
    .filter(
      (p) => p.access === 'write' && inside(cwd, p.path) && p.path !== cwd && !hiddenInside(cwd, p.path),
    )
    .map((p) => p.path);
  return filledPlaces(places, cwd);
}

/**
 * The places the commands an action sets for a later run would fill from outside the working directory
 * (`npm pkg set scripts.build="cp -r ~/.ssh dist/k"`, a Makefile's recipe: `CommandFacts.later`), counted as
 * filled from when they are set, whichever runner then runs them; one that could not be read fills the whole
 * working directory.
 */
export function laterFilledKeys(facts: CommandFacts, telemetryCwd: string): string[] {
  if (!facts.later) return [];
  const cwd = factsWorkspace(telemetryCwd);
  const places = facts.later.flatMap((l) =>
    l.tags.includes('exec.unanalysable')
      ? [cwd]
      : filledKeys(l, telemetryCwd).map((k) => k.slice(FILLED.length)),
  );
  return places.length === 0 ? [] : filledPlaces(places, cwd);
}

/**
 * Whether a copy's sources hold what the session put there from outside the working directory (a source is, is
 * under or holds a place `filledKeys` named): the build folder the session filled from the home directory, or made
 * a link to it, is not the project's build output whatever its name.
 */
export function sourcesFilled(use: BucketUse, telemetryCwd: string, sighted: Iterable<string>): boolean {
  const cwd = factsWorkspace(telemetryCwd);
  return holdsFilled(
    (use.sources ?? []).map((s) => posix.resolve(cwd, s)),
    sighted,
  );
}

/** Whether one of the paths is, is under or holds a place the session's sighted keys say it filled. */
function holdsFilled(paths: readonly string[], sighted: Iterable<string>): boolean {
  if (paths.length === 0) return false;
  for (const k of sighted) {
    if (!k.startsWith(FILLED)) continue;
    const place = k.slice(FILLED.length);
    if (paths.some((s) => place === s || place.startsWith(`${s}/`) || s.startsWith(`${place}/`))) return true;
  }
  return false;
}

/**
 * The places a command fills from a place the session filled before (`cp -r ~/.ssh k`, then `mv k dist/assets`;
 * `cp notes.txt dist/` after `cp ~/.aws/credentials notes.txt`): when a path it names is, is under or holds a
 * filled place, each of its write paths inside the working directory is filled too. Read against the session's
 * keys as they are when the command is scored, so a fill travels however many moves and copies it takes.
 */
export function followedFilledKeys(
  facts: CommandFacts,
  telemetryCwd: string,
  sighted: Iterable<string>,
): string[] {
  const cwd = factsWorkspace(telemetryCwd);
  const writes = facts.paths
    .filter(
      (p) => p.access === 'write' && inside(cwd, p.path) && p.path !== cwd && !hiddenInside(cwd, p.path),
    )
    .map((p) => p.path);
  if (
    writes.length === 0 ||
    !holdsFilled(
      facts.paths.map((p) => p.path),
      sighted,
    )
  )
    return [];
  return filledPlaces(writes, cwd);
}
