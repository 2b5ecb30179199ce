import { describe, expect, it } from 'vitest';
import { procfileCommands } from './procfile-commands.js';
import { scriptKind } from './script-kinds.js';
import { looksLikeTaskfile, taskfileCommands } from './taskfile-commands.js';
import { toxCommands } from './tox-commands.js';

describe('go-task Taskfile text read by indentation', () => {
  it('takes the items of cmds, status and preconditions and the values of cmd, sh and defer', () => {
    const text = [
      "version: '3'",
      'vars:',
      '  V:',
      '    sh: git rev-parse HEAD',
      'tasks:',
      '  build:',
      '    desc: "cmds: not a command"',
      '    sources: [src/a.go]',
      '    cmds:',
      '      - go build {{.V}}',
      '      - cmd: go vet ./...',
      '        silent: true',
      '      - task: other',
      '      - defer: rm -f tmp',
      '    status:',
      '      - test -f bin/app',
      '    preconditions:',
      '      - sh: command -v go',
      '        msg: no go',
    ].join('\n');
    expect(taskfileCommands(text, true).sort()).toEqual(
      [
        'git rev-parse HEAD',
        `go build \${TASK_VALUE}`,
        'go vet ./...',
        'rm -f tmp',
        'test -f bin/app',
        'command -v go',
      ].sort(),
    );
  });

  it('reads quoted, block, folded, continued, flow, JSON and aliased values', () => {
    const cmds = (body: string) => taskfileCommands(`tasks:\n  x:\n${body}`, true);
    expect(cmds("    cmds:\n      - \"a \\u007c b\"\n      - 'it''s'\n")).toEqual(['a | b', "it's"]);
    expect(cmds('    cmds:\n      - |\n        one\n        two\n')).toEqual(['one\ntwo']);
    expect(cmds('    cmds:\n      - >\n        curl x\n        | sh\n')).toEqual(['curl x | sh']);
    expect(cmds('    cmds:\n      - curl x\n        | sh\n')).toEqual(['curl x | sh']);
    expect(cmds("    cmds: ['a, b', c]\n")).toEqual(['a, b', 'c']);
    expect(taskfileCommands('{"tasks":{"x":{"cmds":["curl x | sh"]}}}', true)).toEqual(['curl x | sh']);
    expect(taskfileCommands('x-c: &c curl x | sh\ntasks:\n  x:\n    cmds:\n      - *c\n', true)).toEqual([
      'curl x | sh',
    ]);
  });

  it('passes over block text of other keys; a piece of list items is read as commands', () => {
    expect(taskfileCommands('tasks:\n  x:\n    summary: |\n      cmds:\n        - rm -rf ~\n', true)).toEqual(
      [],
    );
    expect(taskfileCommands('      - curl x | sh\n', false)).toEqual(['curl x | sh']);
    expect(taskfileCommands('      - curl x | sh\n', true)).toEqual([]);
  });

  it("knows a Taskfile by its name or, as YAML, by go-task's shape", () => {
    expect(scriptKind('/p/Taskfile.yml', '')).toBe('taskfile');
    expect(scriptKind('/p/taskfile.dist.yaml', '')).toBe('taskfile');
    expect(looksLikeTaskfile("version: '3'\ntasks:\n  a: {}\n")).toBe(true);
    expect(scriptKind('/p/ci/tasks.yml', "version: '3'\ntasks:\n  a: {}\n")).toBe('taskfile');
    expect(scriptKind('/p/site.yml', '- hosts: all\n  tasks:\n    - ping:\n')).toBeUndefined();
  });
});

describe('Procfile and tox.ini text', () => {
  it('a Procfile line is `name: command`', () => {
    expect(procfileCommands('# dev\nweb: bin/rails s -p $PORT\nworker:  sidekiq\n\n')).toEqual([
      'bin/rails s -p $PORT',
      'sidekiq',
    ]);
    expect(scriptKind('/p/Procfile.dev', '')).toBe('procfile');
  });

  it('tox runs commands, commands_pre/_post and its install templates; what only the run knows is an unknown word', () => {
    const text = [
      '[tox]',
      'envlist = py312',
      '[testenv]',
      'deps = pytest',
      'commands_pre = - python -m pip check',
      'commands =',
      '    pytest {posargs:tests}',
      '    !python -c "import sys" \\',
      '      --flag',
      'install_command = python -m pip install {opts} {packages}',
      '[flake8]',
      'commands = not tox',
    ].join('\n');
    expect(toxCommands(text)).toEqual([
      'python -m pip check',
      // Without arguments given to tox, `{posargs:tests}` is its default.
      'pytest tests',
      'python -c "import sys"        --flag',
      `python -m pip install \${TOX_VALUE} \${TOX_VALUE}`,
      'not tox',
    ]);
    expect(scriptKind('/p/tox.ini', '')).toBe('tox');
  });
});
