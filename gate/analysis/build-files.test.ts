import { describe, expect, it } from 'vitest';
import { buildCodeCommands } from './build-code.js';
import { cargoConfigValue, readCargoConfig } from './cargo-config.js';
import { readPythonTasks } from './python-tasks.js';

describe('the command lines of a build file in Rust, Groovy or Kotlin', () => {
  it('a literal with spaces, a call chain or list of literals, and a path under a dot-directory of the home', () => {
    const rs = `fn f<'a>(x: &'a str) -> char { let c = '"'; Command::new("curl").arg("-d").arg("@x").status(); c }
let k = format!("{}/.ssh/id_rsa", home); // "rm -rf /" in a comment is none
let s = r#"sh -c "id""#;`;
    expect(buildCodeCommands(rs, 'rust')).toEqual(
      expect.arrayContaining([`'curl' '-d' '@x'`, `cat '~/.ssh/id_rsa'`, 'sh -c "id"']),
    );
    expect(buildCodeCommands(rs, 'rust').join('\n')).not.toContain('rm -rf');
    const groovy = `commandLine 'git', 'describe', '--tags'\ndef u = "\${System.getenv('X')} run"\n`;
    expect(buildCodeCommands(groovy, 'groovy')).toEqual(
      expect.arrayContaining([`'git' 'describe' '--tags'`, '$UNKNOWN run']),
    );
    expect(buildCodeCommands('commandLine("sh", "-c", "echo \\u0068i")', 'kotlin')).toContain(
      `'sh' '-c' 'echo hi'`,
    );
  });

  it('unclosed strings and comments are read in linear time', () => {
    const started = performance.now();
    for (const unit of ['"\\', '/*', '"""', "'''", 'r#"', "'\\'"])
      for (const lang of ['rust', 'groovy', 'kotlin'] as const) buildCodeCommands(unit.repeat(40_000), lang);
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});

describe("cargo's configuration", () => {
  it('aliases, runners, linkers, wrappers, a linker in the flags and [env] are commands', () => {
    const { commands } = readCargoConfig(`[alias]
b = "build --release"
[build]
rustc-wrapper = "sccache"
rustflags = ["-C", "linker=./ld.sh"]
[target.'cfg(unix)']
runner = ["sh", "-c", "x"]
[env]
LD_PRELOAD = { value = "/tmp/x.so", force = true }
`);
    expect(commands).toEqual(
      expect.arrayContaining([
        `cargo 'build' '--release'`,
        `'sccache'`,
        `'./ld.sh'`,
        `'sh' '-c' 'x'`,
        `LD_PRELOAD='/tmp/x.so' true`,
      ]),
    );
    expect(readCargoConfig('[alias\n').unreadable).toBe(true);
    expect(cargoConfigValue("target.x.runner = ['sh']")?.commands).toContain(`'sh'`);
    expect(cargoConfigValue('ci/config.toml')).toBeUndefined();
  });
});

describe('the tasks of poe, pdm and hatch', () => {
  it('every string and list under the tool, Python where a task is Python, and the script names', () => {
    const r = readPythonTasks(
      `[tool.poe.tasks]\na = { expr = "1 + 1" }\n[tool.pdm.scripts]\nb = { cmd = ["ls", "-l"] }\nc.call = "m.n:main"\n[tool.hatch.envs.lint.scripts]\nd = "ruff check"\n[tool.other]\nx = "not read"\n`,
      'pyproject.toml',
      ['poe', 'pdm', 'hatch'],
    );
    expect(r?.commands).toEqual(
      expect.arrayContaining([
        `python3 -c '1 + 1'`,
        `'ls' '-l'`,
        `python3 -c 'import m.n; m.n.main()'`,
        'ruff check',
      ]),
    );
    expect(r?.commands).not.toContain('not read');
    expect(r?.scripts).toEqual(['b', 'c', 'd', 'lint:d']);
    expect(readPythonTasks('[project]\nname = "x"\n', 'pyproject.toml', ['pdm'])).toBeUndefined();
    expect(readPythonTasks('[tool.pdm.scripts\n', 'pyproject.toml', ['pdm'])?.unreadable).toBe(true);
  });
});
