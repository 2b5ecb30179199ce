import { shellParserBroken, shellParserMemory } from '../gate/fast.js';

/**
 * This process's side of /healthz: its memory, and the shell grammar the policy check (`POST /api/gate/check`)
 * reads commands with on this thread (failed: it reads no command until a restart; the analyzer and the hook
 * decisions have their own, on threads that are replaced when theirs fails).
 */
export function processHealth() {
  const mem = process.memoryUsage();
  const mb = (n: number) => Math.round(n / 2 ** 20);
  return {
    grammar: { failed: shellParserBroken(), memoryMb: mb(shellParserMemory()) },
    memoryMb: {
      rss: mb(mem.rss),
      heapUsed: mb(mem.heapUsed),
      external: mb(mem.external),
      arrayBuffers: mb(mem.arrayBuffers),
    },
  };
}
