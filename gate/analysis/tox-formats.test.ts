import { describe, expect, it } from 'vitest';
import { parseToml, type TomlValue, tomlAt } from './toml-text.js';
import { readToxIni } from './tox-commands.js';
import { expandTox, TOX_UNKNOWN, toxBudget } from './tox-substitution.js';
import { NOT_TOML, readToxToml } from './tox-toml.js';

/** A TOML value as plain data, to compare. */
const plain = (v: TomlValue | undefined): unknown =>
  v instanceof Map
    ? Object.fromEntries([...v].map(([k, x]) => [k, plain(x)]))
    : Array.isArray(v)
      ? v.map(plain)
      : v;

describe('TOML text', () => {
  it('reads tables, dotted and quoted keys, arrays of tables and inline tables', () => {
    const doc = parseToml(
      [
        '# top',
        'a.b = 1',
        '"c d".\'e\' = true # trailing',
        '[t . u]',
        'x = [ "1", # inside',
        "  '2', ]",
        '[[list]]',
        'n = "first"',
        '[[list]]',
        'n = "second"',
        '[list.sub]',
        'k = { p = "q", r.s = ["t"] }',
      ].join('\n'),
    );
    expect(plain(doc)).toEqual({
      a: { b: null },
      'c d': { e: true },
      t: { u: { x: ['1', '2'] } },
      list: [{ n: 'first' }, { n: 'second', sub: { k: { p: 'q', r: { s: ['t'] } } } }],
    });
  });

  it('reads strings as tomllib does: escapes, literal, multi-line with a trimmed first newline and line-end backslash', () => {
    const doc = parseToml(
      [
        'a = "x\\u0041\\U0001F600\\t\\"\\\\"',
        "b = 'C:\\no\\escape'",
        'c = """',
        'one \\',
        '   two""""',
        "d = '''",
        "raw\\n''''",
        'e = 1979-05-27 07:32:00Z',
        'f = [+inf, -0.5e3, 0x1F, 2024-01-01]',
      ].join('\n'),
    );
    expect(doc?.get('a')).toBe('xA\u{1F600}\t"\\');
    expect(doc?.get('b')).toBe('C:\\no\\escape');
    expect(doc?.get('c')).toBe('one two"');
    expect(doc?.get('d')).toBe("raw\\n'");
    expect(doc?.get('e')).toBeNull();
    expect(plain(doc?.get('f'))).toEqual([null, null, null, null]);
    expect(tomlAt(doc, ['a'])).toBe('xA\u{1F600}\t"\\');
  });

  it.each([
    'a = ',
    'a = [1, 2',
    'a = "open',
    "a = 'two\nlines'",
    '[t',
    'a = 1 b = 2',
    'a = bare',
    'a = "\\q"',
    `a = ${'['.repeat(100)}${']'.repeat(100)}`,
  ])('%j is not TOML', (text) => {
    expect(parseToml(text)).toBeUndefined();
  });

  it('a key named like an object property is only a key', () => {
    const doc = parseToml('__proto__ = "x"\n[constructor]\nprototype = "y"\n');
    expect(doc?.get('__proto__')).toBe('x');
    expect(plain(doc?.get('constructor'))).toEqual({ prototype: 'y' });
  });
});

describe("tox's substitutions", () => {
  const look = (values: Record<string, string>, env: Record<string, string> = {}) => ({
    ref: (section: string | undefined, key: string) => values[`${section ?? ''}/${key}`],
    env: (name: string) => env[name],
  });
  const expand = (v: string, values: Record<string, string> = {}, env: Record<string, string> = {}) =>
    expandTox(v, look(values, env), toxBudget());

  it('puts in references, read again, and defaults; what only the run knows is unknown', () => {
    expect(expand('a {[base]x} b', { 'base/x': '{[deep]y}', 'deep/y': 'Y' }).text).toBe('a Y b');
    expect(expand('{env:X} {env:Y:dflt} {env:Z}', {}, { X: 'set' }).text).toBe(`set dflt ${TOX_UNKNOWN}`);
    expect(expand('pytest {posargs:-x tests} {posargs} []').text).toBe(
      `pytest -x tests ${TOX_UNKNOWN} ${TOX_UNKNOWN}`,
    );
    expect(expand('{envpython} {own}', { '/own': 'O' }).text).toBe(`${TOX_UNKNOWN} O`);
    expect(expand('x \\{[base]y\\} {/}').text).toBe('x {[base]y} /');
    expect(expandTox('{tty:on:off}', look({}), toxBudget(), 1).text).toBe('off');
  });

  it('leaves unresolved a reference the file lacks, a loop and runaway growth', () => {
    expect(expand('{[nowhere]x}').unresolved).toEqual(['{[nowhere]x}']);
    expect(expand('{[nowhere]x:fallback}')).toEqual({ text: 'fallback', unresolved: [] });
    expect(expand('{[a]x}', { 'a/x': '{[a]x}' }).unresolved).toHaveLength(1);
    expect(expand('{[a]x}', { 'a/x': '{[a]x}{[a]x}' }).unresolved).toHaveLength(1);
  });

  it('one budget bounds all the values of a file', () => {
    const budget = toxBudget();
    const values = { 'a/x': `${'y'.repeat(8000)}{[a]x}` };
    let calls = 0;
    while (budget.chars >= 0 && calls < 1000) {
      expect(expandTox('{[a]x}', look(values), budget).unresolved).toHaveLength(1);
      calls++;
    }
    // Each value stops at its own bound (two steps here); the file's budget stops them all.
    expect(calls).toBeLessThan(200);
    expect(expandTox('{[b]y:z}', look({}), budget).unresolved).toHaveLength(1);
    expect(expandTox('plain', look({}), budget)).toEqual({ text: 'plain', unresolved: [] });
  });
});

describe('tox configured in TOML', () => {
  it('reads commands as their words quoted, with replacements put in', () => {
    const text = [
      '[vars]',
      'extra = ["-m", "not slow"]',
      '[env_run_base]',
      'commands = [',
      '  ["pytest", { replace = "ref", of = ["vars", "extra"], extend = true }, "{posargs}"],',
      '  ["-", "python", { replace = "env", name = "X", default = "x" }],',
      ']',
      'install_command = ["python", "-I", "-m", "pip", "install", "{opts}", "{packages}"]',
    ].join('\n');
    expect(readToxToml(text, false, true)?.commands).toEqual([
      `'pytest' '-m' 'not slow' "\${TOX_VALUE}"`,
      "'python' 'x'",
      `'python' '-I' '-m' 'pip' 'install' "\${TOX_VALUE}" "\${TOX_VALUE}"`,
    ]);
  });

  it("only pyproject.toml's tool.tox is tox's; a piece of a file is read as it stands", () => {
    expect(readToxToml('[tool.other]\ncommands = [["x"]]\n', true, true)).toBeUndefined();
    expect(readToxToml('  ["bash", "-c", "a | b"],\n', true, false)?.commands).toEqual([
      "'bash' '-c' 'a | b'",
    ]);
    const broken = readToxToml('commands = [["bash", "-c", "a | b"]\n', false, true);
    expect(broken).toEqual({ commands: ["'bash' '-c' 'a | b'"], unresolved: [NOT_TOML] });
  });

  it("legacy_tox_ini is read as tox.ini, and an INI reading keeps a plugin's commands", () => {
    const text = '[tool.tox]\nlegacy_tox_ini = """\n[testenv]\ncommands = {[x]y}\n[x]\ny = make\n"""\n';
    expect(readToxToml(text, true, true)?.commands).toEqual(['make']);
    expect(readToxIni('[testenv]\ncreate_with_ext_commands = conda create -y\n').commands).toEqual([
      'conda create -y',
    ]);
  });
});
