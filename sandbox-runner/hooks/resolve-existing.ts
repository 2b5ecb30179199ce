import { lstatSync, readlinkSync, realpathSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/**
 * Where a path really leads: the symlinks of its longest existing prefix resolved, the rest appended. A
 * dangling link (to a file that does not exist yet: a write target) is followed to where it points.
 */
export function resolveExisting(path: string, hops = 0): string | undefined {
  if (hops > 32) return undefined;
  let head = path;
  for (let i = 0; i < 256; i++) {
    const rest = relative(head, path);
    try {
      const real = realpathSync(head);
      return rest ? join(real, rest) : real;
    } catch {
      try {
        if (lstatSync(head).isSymbolicLink()) {
          const target = resolve(dirname(head), readlinkSync(head));
          return resolveExisting(rest ? join(target, rest) : target, hops + 1);
        }
      } catch {
        // not there at all: look one level up
      }
      const up = dirname(head);
      if (up === head) return undefined;
      head = up;
    }
  }
  return undefined;
}
