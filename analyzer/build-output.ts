import type { CommandFacts } from './command-facts.js';
import type { BucketUse } from './object-storage.js';

/** Files that pack or dump anything given them: what is in one is not told by its name. */
const ARCHIVE =
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
  if (sources.length === 0 || !sources.every(isBuildOutputPath)) return false;
  return !facts.categories.some((c) => c === 'credential-access' || c === 'collection');
}
