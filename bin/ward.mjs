#!/usr/bin/env -S node --initial-old-space-size=96
// Thin launcher (the flag: cli/main-heap.ts): the CLI is bundled to dist/ by `npm run build` (run by `npm install`, `npm start` and `npm test`).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = fileURLToPath(new URL('../dist/cli/ward.js', import.meta.url));
if (!existsSync(entry)) {
  process.stderr.write('ward: not built yet; run `npm run build` in the Ward checkout first\n');
  process.exit(2);
}
await import(entry);
