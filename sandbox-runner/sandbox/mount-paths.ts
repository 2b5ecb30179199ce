import { realpathSync } from 'node:fs';
import { sep } from 'node:path';

function within(child: string, parent: string): boolean {
  return child === parent || child.startsWith(parent.endsWith(sep) ? parent : parent + sep);
}

function realPath(path: string): string | undefined {
  try {
    return realpathSync(path);
  } catch {
    return undefined;
  }
}

/**
 * The paths to pin read-only, as real paths inside a writable area; the rest dropped. bwrap follows symlinks
 * in both a bind's source and its destination, and a workspace holds whatever links the agent left there:
 * `.vscode -> ../../..` bound "read-only onto itself" is the host's `/` laid over the whole sandbox, its
 * empty home included (every credential readable). A path outside the writable areas needs no pin (the
 * system is read-only already), and pinning one would show it where the sandbox hides it (a home file).
 */
export function pinnablePaths(paths: readonly string[], writableAreas: readonly string[]): string[] {
  const out = new Set<string>();
  for (const p of paths) {
    const real = realPath(p);
    if (real !== undefined && writableAreas.some((w) => within(real, w))) out.add(real);
  }
  return [...out];
}

/**
 * The directories to bind writable onto themselves (git directories), only where the path is its own real
 * path inside a writable root: a link in it would bind wherever the link points, writable (the real home).
 */
export function selfMountPaths(paths: readonly string[], writableRoots: readonly string[]): string[] {
  return [...new Set(paths.filter((p) => realPath(p) === p && writableRoots.some((w) => within(p, w))))];
}
