/**
 * Which test files may share a worker process with others, read from their code when vitest loads its config.
 *
 * A fresh process per file costs its start and the import of its module graph again (31 gate test files took
 * 62 CPU-seconds in processes of their own, 30 sharing two). A file shares one only when nothing it does
 * outlives it in the process: it never reaches the embedded ClickHouse (`store/engine/`, one engine per
 * process), and it does not change what vitest does not put back between files (module mocks, stubbed globals
 * or environment, fake timers, the working directory, the process environment, its config). A file that
 * changes something else for the rest of its process says so with the marker `vitest-own-process` in a comment.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/** Folders never searched for tests or modules (as the config's `exclude`). */
const SKIPPED = new Set(['node_modules', 'dist', '.git', '.svelte-kit']);

/** What a file does to its process that vitest does not undo when the next file runs in it. */
const LASTING =
  /\bvi\.(mock|doMock|stubEnv|stubGlobal|useFakeTimers|setConfig)\b|process\.chdir\(|process\.umask\(|process\.env(\.\w+|\[[^\]]+\])\s*=[^=]|delete process\.env|Object\.assign\(process\.env|vitest-own-process/;

/** Where the embedded engine is opened (the chdb package itself counts too). */
const ENGINE_DIR = 'store/engine/';
const IMPORTS = /(?:\bfrom\s*|\bimport\s*\(?\s*)['"]([^'"]+)['"]/g;
/** Imports and re-exports of types only: erased when compiled, they load nothing. */
const TYPE_ONLY = /^\s*(?:import|export)\s+type\s[^;]*?\bfrom\s*['"][^'"]+['"]/gm;

function testFiles(root: string, dir = root, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (SKIPPED.has(e.name)) continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) testFiles(root, p, out);
    else if (e.name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

/** The TypeScript file a relative specifier names (`./a.js` is `./a.ts`), if any. */
function resolveRelative(from: string, spec: string): string | undefined {
  const p = resolve(dirname(from), spec);
  for (const c of [p.replace(/\.js$/, '.ts'), p, `${p}.ts`, join(p, 'index.ts')])
    if (c.endsWith('.ts') && existsSync(c) && statSync(c).isFile()) return c;
  return undefined;
}

export interface TestIsolation {
  /** Files run one after another in long-lived workers (`isolate: false`). */
  shared: string[];
  /** Files each run in a process of their own. */
  isolated: string[];
}

/** Splits the project's test files (paths relative to `root`) by whether they may share a process. */
export function testIsolation(root: string): TestIsolation {
  const tests = testFiles(root);
  const importers = new Map<string, Set<string>>();
  const texts = new Map<string, string>();
  const engine = new Set<string>();
  const queue = [...tests];
  while (queue.length > 0) {
    const file = queue.pop() as string;
    if (texts.has(file)) continue;
    const text = readFileSync(file, 'utf8');
    texts.set(file, text);
    if (relative(root, file).startsWith(ENGINE_DIR)) engine.add(file);
    for (const m of text.replace(TYPE_ONLY, '').matchAll(IMPORTS)) {
      const spec = m[1] as string;
      if (spec === 'chdb' || spec.startsWith('chdb/')) engine.add(file);
      if (!spec.startsWith('.')) continue;
      const target = resolveRelative(file, spec);
      if (!target) continue;
      const set = importers.get(target) ?? new Set<string>();
      set.add(file);
      importers.set(target, set);
      queue.push(target);
    }
  }
  // Every module from which the engine can be reached: walk the import edges backwards from it.
  const reaches = new Set(engine);
  const back = [...engine];
  while (back.length > 0) {
    for (const importer of importers.get(back.pop() as string) ?? []) {
      if (reaches.has(importer)) continue;
      reaches.add(importer);
      back.push(importer);
    }
  }
  const shared: string[] = [];
  const isolated: string[] = [];
  for (const file of tests.sort()) {
    const own = reaches.has(file) || LASTING.test(texts.get(file) as string);
    (own ? isolated : shared).push(relative(root, file));
  }
  return { shared, isolated };
}
