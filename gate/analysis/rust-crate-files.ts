/**
 * The files of a Rust crate that rustc compiles from its root (a build script, a proc-macro's or a
 * build-dependency's library): the root, the modules it declares (`mod helpers;` → helpers.rs or helpers/mod.rs,
 * `#[path = "x.rs"] mod y;`) and the files it includes (`include!("build/steps.rs")`), from each of them in turn.
 * A module declared with its body (`mod x { … }`) is in its file already; an include whose path is built
 * (`include!(concat!(env!("OUT_DIR"), …))`) is what the build script wrote, judged with it.
 */
import { posix } from 'node:path';

/** The most files of one crate read. */
const MAX_FILES = 32;

/** One file of the crate, with its text. */
export interface CrateFile {
  path: string;
  text: string;
}

/** `#[path = "…"]` (optional) then `mod name;`; `include!("…")`. Comments are not stripped: more is read, not less. */
const MOD = /(?:#\s*\[\s*path\s*=\s*"([^"\n]+)"\s*\]\s*)?(?:pub(?:\s*\([^)]*\))?\s+)?mod\s+(?:r#)?(\w+)\s*;/g;
const INCLUDE = /\binclude\s*!\s*\(\s*"([^"\n]+)"\s*\)/g;

/**
 * The crate's files from `root` (its path), read by `read`; `isRoot` of each file says whether its modules sit
 * beside it (a crate root, a mod.rs) or in a directory of its name (`src/a.rs`'s `mod b;` is src/a/b.rs).
 */
export function crateFiles(root: string, read: (path: string) => string | undefined): CrateFile[] {
  const out: CrateFile[] = [];
  const seen = new Set<string>();
  const queue: { path: string; isRoot: boolean }[] = [{ path: root, isRoot: true }];
  while (queue.length > 0 && out.length < MAX_FILES) {
    const { path, isRoot } = queue.shift() as { path: string; isRoot: boolean };
    if (seen.has(path)) continue;
    seen.add(path);
    const text = read(path);
    if (text === undefined) continue;
    out.push({ path, text });
    const dir = posix.dirname(path);
    const own = isRoot || posix.basename(path) === 'mod.rs' ? dir : path.replace(/\.rs$/, '');
    for (const m of text.matchAll(MOD)) {
      const [, at, name] = m;
      if (at !== undefined) {
        queue.push({ path: posix.resolve(dir, at), isRoot: false });
        continue;
      }
      const file = posix.join(own, `${name}.rs`);
      queue.push(
        read(file) !== undefined
          ? { path: file, isRoot: false }
          : { path: posix.join(own, name ?? '', 'mod.rs'), isRoot: true },
      );
    }
    // An included file is pasted in place: its modules are its includer's.
    for (const m of text.matchAll(INCLUDE)) queue.push({ path: posix.resolve(dir, m[1] ?? ''), isRoot });
  }
  return out;
}
