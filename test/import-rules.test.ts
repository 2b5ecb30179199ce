import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');
const DEPCRUISE = join(ROOT, 'node_modules', '.bin', 'depcruise');
const FOLDERS = [
  'schema',
  'store',
  'gate',
  'collector',
  'analyzer',
  'sandbox-runner',
  'cli',
  'bench',
  'demo',
  'test',
];

/**
 * Runs the project's import rules over `cwd`; resolves with the rule names that were broken. A run that
 * ended without a verdict (killed by a signal, e.g. memory pressure on a loaded CI box) is run once more;
 * any other failure throws with everything depcruise said.
 */
async function broken(cwd: string, paths: string[]): Promise<string[]> {
  return (await violations(cwd, paths)).map((v) => v.split(' ')[0] as string);
}

/** As `broken`, each violation as `rule from-file`: several cases in one tree, told apart by their files. */
async function violations(cwd: string, paths: string[], again = true): Promise<string[]> {
  try {
    await promisify(execFile)(
      DEPCRUISE,
      ['--config', '.dependency-cruiser.cjs', '--output-type', 'err', ...paths],
      // CI=true makes depcruise colour its output: ask for plain text, and strip colour codes anyway.
      { cwd, maxBuffer: 16 << 20, env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' } },
    );
    return [];
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; code?: number | string; signal?: string | null };
    // biome-ignore lint/suspicious/noControlCharactersInRegex: strips ANSI colour codes
    const out = String(e.stdout ?? '').replace(/\x1b\[[0-9;]*m/g, '');
    const found = [...out.matchAll(/error ([\w-]+): (\S+) →/g)].map((m) => `${m[1]} ${m[2]}`);
    if (found.length > 0) return found;
    if (again && e.signal) return violations(cwd, paths, false);
    throw new Error(
      `depcruise gave no verdict (code ${e.code}, signal ${e.signal}):\n${out}\n${String(e.stderr ?? '')}`,
    );
  }
}

/** A scratch project with the real rules and the given files. */
function scratch(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'ward-imports-'));
  copyFileSync(join(ROOT, '.dependency-cruiser.cjs'), join(dir, '.dependency-cruiser.cjs'));
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext' } }),
  );
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

describe('import rules (STYLE.md layout, one public surface per folder)', () => {
  it('hold for the whole tree', async () => {
    expect(
      await broken(
        ROOT,
        FOLDERS.filter((f) => existsSync(join(ROOT, f))),
      ),
    ).toEqual([]);
  });

  it('refuse a deep import into another folder, and a break of the matrix', async () => {
    const dir = scratch({
      'schema/index.ts': "export * from './otlp.js';\n",
      'schema/otlp.ts': 'export const X = 1;\n',
      'collector/index.ts': "export { X } from '../schema/index.js';\n",
      'collector/deep.ts': "import { X } from '../schema/otlp.js';\nexport const Y = X;\n",
      'gate/index.ts': "import { X } from '../collector/index.js';\nexport const Z = X;\n",
      'store/index.ts': "export { X } from '../schema/index.js';\n",
      'store/own.test.ts': "import { X } from '../schema/otlp.js';\nexport const T = X;\n",
    });
    const names = await broken(dir, ['schema', 'collector', 'gate', 'store']);
    expect(names.sort()).toEqual(['matrix-gate', 'through-the-surface']);
  });

  it('let tests beside the code use test/helpers, and neither contract cases, benches nor shipped code', async () => {
    // One tree, one run (each run of depcruise costs seconds): every case is its own file, told apart by name.
    const helper = "import { H } from '../test/helpers/store.js';\nexport const T = H;\n";
    const dir = scratch({
      'test/helpers/store.ts': 'export const H = 1;\n',
      // Allowed: a test beside the code.
      'store/own.test.ts': helper,
      // Refused: a contract case and a bench beside the code, and shipped code.
      'store/store.case.ts': helper,
      'collector/decode.bench.ts': helper,
      'store/index.ts': helper,
      // A contract case is still held to the matrix: store/ never imports collector/.
      'store/matrix.case.ts': "import { C } from '../collector/index.js';\nexport const T = C;\n",
      'collector/index.ts': 'export const C = 1;\n',
    });
    expect((await violations(dir, ['store', 'collector', 'test'])).sort()).toEqual([
      'matrix-store store/matrix.case.ts',
      'no-test-code-in-production store/index.ts',
      'test-helpers-only-from-tests collector/decode.bench.ts',
      'test-helpers-only-from-tests store/index.ts',
      'test-helpers-only-from-tests store/store.case.ts',
    ]);
  });
});
