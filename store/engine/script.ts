import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The built engine worker. Worker threads load a file, not a module of the bundle: from the sources it is
 * dist/store/engine/worker.js (npm run build; the test setup builds it), from the bundle the same file
 * beside the chunk that asks.
 */
export function engineWorkerScript(): URL | undefined {
  const candidates = [
    new URL('../store/engine/worker.js', import.meta.url),
    new URL('../../dist/store/engine/worker.js', import.meta.url),
  ];
  return candidates.find((u) => existsSync(fileURLToPath(u)));
}
