#!/usr/bin/env -S node --initial-old-space-size=96
// Thin launcher (the flag: cli/main-heap.ts): the CLI is bundled to dist/ by `npm run build` (run by `npm install`, `npm start` and `npm test`).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = fileURLToPath(new URL('../dist/cli/ward.js', import.meta.url));
if (!existsSync(entry)) {
  process.stderr.write('ward: not built yet; run `npm run build` in the Ward checkout first\n');
  process.exit(2);
}
try {
  await import(entry);
} catch (err) {
  // A bundle half-written by a rebuild or an upgrade. For `ward hook`, exit 2: the agents run the tool when
  // their hook exits with any other error, and block it on 2.
  process.stderr.write(`ward: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(process.argv[2] === 'hook' ? 2 : 1);
}
