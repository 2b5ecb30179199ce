/**
 * Import rules (npm run check): the layout of ../shared/STYLE.md. A folder is entered only through its
 * index.ts or its one named fast entry (fast.ts, for cold-start paths and worker threads); tests beside the
 * code (*.test.ts, *.bench.ts, contract suites *.case.ts) and cross-folder tests under test/ may reach
 * internals, but never break the matrix. Only *.test.ts files and test/ import test/helpers/: a contract
 * case or bench beside the code is handed what it needs by its test. Shipped code never imports test code.
 */
const FOLDERS = 'schema|store|gate|collector|analyzer|sandbox-runner|ui';
const TESTS = ['\\.(test|bench|case)\\.ts$', '^test/'];
/** Files that may import test code (test/helpers/). */
const TEST_CODE_USERS = ['\\.test\\.ts$', '^test/'];

/** What each folder may import besides itself (cli, bench, demo and scripts may import any folder but ui). */
const MATRIX = {
  schema: [],
  store: ['schema'],
  gate: ['schema'],
  collector: ['schema', 'store', 'gate'],
  analyzer: ['schema', 'store', 'gate'],
  'sandbox-runner': ['schema', 'gate'],
  ui: ['schema'],
};

const matrixRules = Object.entries(MATRIX).map(([from, allowed]) => ({
  name: `matrix-${from}`,
  comment: `${from}/ may import only ${allowed.length ? allowed.join(', ') : 'zod'} (STYLE.md layout)`,
  severity: 'error',
  from: { path: `^${from}/` },
  to: {
    path: `^(${FOLDERS}|cli|bench|demo|scripts|test/(?!helpers/))/`,
    pathNot: [`^${from}/`, ...allowed.map((a) => `^${a}/`)],
  },
}));

module.exports = {
  forbidden: [
    {
      name: 'through-the-surface',
      comment: "another folder's internals: import its index.ts (or its fast.ts on a cold-start path)",
      severity: 'error',
      from: { path: `^(${FOLDERS}|cli|bench|demo|scripts)/`, pathNot: TESTS },
      to: { path: `^(${FOLDERS})/`, pathNot: ['^$1/', `^(${FOLDERS})/(index|fast)\\.ts$`] },
    },
    ...matrixRules,
    {
      name: 'ui-types-only',
      comment: 'ui/ takes only types from schema/ and talks to the server over HTTP',
      severity: 'error',
      from: { path: '^ui/' },
      to: { path: '^schema/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'no-test-code-in-production',
      comment: 'benches and evals (bench/) may drive the test scenarios; shipped code may not',
      severity: 'error',
      from: { path: `^(${FOLDERS}|cli|demo|scripts)/`, pathNot: TESTS },
      to: { path: ['^test/', '\\.test\\.ts$', 'test-support\\.ts$', 'test-helpers\\.ts$'] },
    },
    {
      name: 'test-helpers-only-from-tests',
      comment: 'a contract case or bench beside the code is handed test/helpers values by its *.test.ts',
      severity: 'error',
      from: { path: `^(${FOLDERS}|cli|demo|scripts)/`, pathNot: TEST_CODE_USERS },
      to: { path: '^test/' },
    },
    {
      name: 'no-cli-from-folders',
      severity: 'error',
      from: { path: `^(${FOLDERS})/` },
      to: { path: '^(cli|bench|demo)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.svelte'] },
  },
};
