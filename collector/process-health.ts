import { shellParserBroken, shellParserMemory } from '../gate/fast.js';

/**
 * This process's side of /healthz: its memory, and the shell grammar the in-server analyzer reads commands with
 * (failed: it reads no command until a restart; the hook decisions have their own, on their thread).
 */
export function processHealth() {
  const mem = process.memoryUsage();
  const mb = (n: number) => Math.round(n / 2 ** 20);
  return {
    grammar: { failed: shellParserBroken(), memoryMb: mb(shellParserMemory()) },
    memoryMb: { rss: mb(mem.rss), heapUsed: mb(mem.heapUsed) },
  };
}
