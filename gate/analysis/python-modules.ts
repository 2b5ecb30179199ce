/**
 * The files of the project that Python runs when it imports a module (`import mypkg.app`, a poe `script` task,
 * a pdm `call` script, `python -m mypkg`, an in-tree build backend): each package's __init__.py on the way,
 * the module (`app.py`, or `app/__init__.py`; a run's `__main__.py`), and what those import from the project in
 * turn (`from . import helpers`, `from mypkg.util import x`, `import mypkg.cli`), found under the given roots
 * (the project's directory, its src/). A module no root holds is an installed one: not the project's to judge.
 */
import { posix } from 'node:path';

/** The most files one import follows. */
const MAX_FILES = 32;

/** A file Python runs, and its text. */
export interface ModuleFile {
  path: string;
  text: string;
}

/** `import a.b, c as d`, `from a.b import x`, `from . import y`, `from .m import z` (a line's start). */
const IMPORT =
  /^[ \t]*(?:import[ \t]+([\w.]+(?:[ \t]+as[ \t]+\w+)?(?:[ \t]*,[ \t]*[\w.]+(?:[ \t]+as[ \t]+\w+)?)*)|from[ \t]+(\.*)([\w.]*)[ \t]+import[ \t]+\(?([\w, \t\n]+))/gm;

/** A module's candidates under a root: its file or its package's __init__.py. */
const candidates = (root: string, parts: string[]) => {
  const base = posix.join(root, ...parts);
  return [`${base}.py`, posix.join(base, '__init__.py')];
};

/**
 * The files importing `module` runs (and running it as a program, with `main`: its package's __main__.py), and
 * those their imports reach, read by `read` under `roots`. Empty when no root holds the module.
 */
export function moduleFiles(
  module: string,
  roots: readonly string[],
  read: (path: string) => string | undefined,
  main = false,
): ModuleFile[] {
  const out: ModuleFile[] = [];
  const seen = new Set<string>();
  const add = (path: string) => {
    if (seen.has(path) || out.length >= MAX_FILES) return false;
    seen.add(path);
    const text = read(path);
    if (text === undefined) return false;
    out.push({ path, text });
    return true;
  };
  /** The module's files under the first root that holds its top package; its packages' __init__.py first. */
  const resolve = (name: string, from: readonly string[], asMain: boolean): string | undefined => {
    const parts = name.split('.').filter(Boolean);
    for (const root of from) {
      // A namespace package has no __init__.py: the module's own file says the root holds it too.
      const held = [...candidates(root, parts.slice(0, 1)), ...candidates(root, parts)];
      if (!held.some((p) => read(p) !== undefined)) continue;
      for (let i = 1; i < parts.length; i++) add(posix.join(root, ...parts.slice(0, i), '__init__.py'));
      const [file, pkg] = candidates(root, parts) as [string, string];
      if (add(file)) return file;
      if (read(pkg) !== undefined) {
        add(pkg);
        if (asMain) add(posix.join(posix.dirname(pkg), '__main__.py'));
        return pkg;
      }
      return undefined;
    }
    return undefined;
  };
  resolve(module, roots, main);
  for (let i = 0; i < out.length && out.length < MAX_FILES; i++) {
    const { path, text } = out[i] as ModuleFile;
    const pkgDir = posix.dirname(path);
    for (const m of text.matchAll(IMPORT)) {
      if (m[1] !== undefined) {
        for (const item of m[1].split(',')) resolve(item.trim().split(/\s+/)[0] ?? '', roots, false);
        continue;
      }
      const dots = (m[2] ?? '').length;
      const names = (m[4] ?? '').split(',').map((n) => n.trim().split(/\s+/)[0] ?? '');
      if (dots === 0) {
        resolve(m[3] ?? '', roots, false);
        for (const n of names) if (n !== '' && n !== '*') resolve(`${m[3]}.${n}`, roots, false);
        continue;
      }
      // A relative import: from the file's package, up one more package for each dot past the first.
      let dir = pkgDir;
      for (let d = 1; d < dots; d++) dir = posix.dirname(dir);
      const base = (m[3] ?? '').split('.').filter(Boolean);
      for (const n of base.length > 0 ? [''] : names) {
        const parts = [...base, ...(n && n !== '*' ? [n] : [])];
        if (parts.length === 0) continue;
        for (const p of candidates(dir, parts)) if (add(p)) break;
      }
      if (base.length > 0)
        for (const n of names) if (n !== '' && n !== '*') add(posix.join(dir, ...base, `${n}.py`));
    }
  }
  return out;
}
