import { opendirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** The most entries read from one directory: past them the directory reads as unlistable (its files unknown). */
const MAX_ENTRIES = 1024;

/**
 * The entries of a directory for the gate, a directory's name ending in `/` (a symlink taken as what it leads
 * to, as the build tool that walks it would); undefined when it is not a directory, unreadable, or has more than
 * MAX_ENTRIES entries. Only names are read, never contents.
 */
export function listDirectory(path: string): string[] | undefined {
  let dir: ReturnType<typeof opendirSync>;
  try {
    dir = opendirSync(path);
  } catch {
    return undefined;
  }
  const out: string[] = [];
  try {
    for (let e = dir.readSync(); e !== null; e = dir.readSync()) {
      if (out.length >= MAX_ENTRIES) return undefined;
      let isDir = e.isDirectory();
      if (e.isSymbolicLink())
        try {
          isDir = statSync(join(path, e.name)).isDirectory();
        } catch {
          // a dangling link: a name, no directory
        }
      out.push(isDir ? `${e.name}/` : e.name);
    }
    return out.sort();
  } catch {
    return undefined;
  } finally {
    dir.closeSync();
  }
}
