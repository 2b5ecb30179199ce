import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { testIsolation } from './isolation.js';

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'ward-isolation-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

describe('which test files share a worker process', () => {
  it('gives a process of its own to a file that reaches the engine, however far, or changes its process', () => {
    const root = tree({
      'store/engine/client.ts': "import 'chdb';\n",
      'store/index.ts': "export * from './engine/client.js';\n",
      // A cycle on the way does not hide the engine.
      'lib/a.ts': "import { b } from './b.js';\nexport const a = 1;\n",
      'lib/b.ts': "import { a } from './a.js';\nimport '../store/index.js';\nexport const b = a;\n",
      'lib/pure.ts': 'export const p = 1;\n',
      'x/far.test.ts': "import { a } from '../lib/a.js';\n",
      'x/dynamic.test.ts': "const s = await import('../store/index.js');\n",
      'x/chdb.test.ts': "import { Session } from 'chdb';\n",
      'x/mock.test.ts': "import { vi } from 'vitest';\nvi.mock('node:fs');\n",
      'x/env.test.ts': "process.env.TZ = 'UTC';\n",
      'x/cwd.test.ts': "process.chdir('/');\n",
      'x/marked.test.ts': '// vitest-own-process: breaks a module for the rest of its process\n',
      'x/pure.test.ts': "import { p } from '../lib/pure.js';\nconst same = process.env.TZ === 'UTC';\n",
      // Types only are erased when compiled: they load nothing. A value beside a type still loads its module.
      'x/types.test.ts':
        "import type { Store } from '../store/index.js';\nexport type {\n  Store as S,\n} from '../store/index.js';\n",
      'x/mixed.test.ts': "import { type Store, createStore } from '../store/index.js';\n",
      'node_modules/dep/x.test.ts': '',
    });
    expect(testIsolation(root)).toEqual({
      shared: ['x/pure.test.ts', 'x/types.test.ts'],
      isolated: [
        'x/chdb.test.ts',
        'x/cwd.test.ts',
        'x/dynamic.test.ts',
        'x/env.test.ts',
        'x/far.test.ts',
        'x/marked.test.ts',
        'x/mixed.test.ts',
        'x/mock.test.ts',
      ],
    });
  });

  it('on this project: the store and the grammar-breaking test alone, the gate tables together', () => {
    const { shared, isolated } = testIsolation(join(import.meta.dirname, '..'));
    expect(isolated).toEqual(expect.arrayContaining(['store/store.test.ts', 'gate/grammar-memory.test.ts']));
    expect(isolated).toContain('test/ingest-fuzz.test.ts');
    // This file's fixtures hold the texts looked for: a word read wrongly costs a process, never a shared one.
    expect(isolated).toContain('test/isolation.test.ts');
    expect(shared).toEqual(
      expect.arrayContaining(['gate/analysis/gnu-options.test.ts', 'gate/policy/load.test.ts']),
    );
    expect(shared.length + isolated.length).toBeGreaterThan(300);
  });
});
