import { posix } from 'node:path';
import { type BuildLanguage, buildCodeCommands } from './build-code.js';
import { readCargoConfig } from './cargo-config.js';
import { readProperties } from './java-properties.js';
import { optionWords, readJvmOptions } from './jvm-options.js';
import { logicalLines, makeCommands } from './make-commands.js';
import { readPom } from './maven-pom.js';
import { procfileCommands } from './procfile-commands.js';
import { readPythonTasks } from './python-tasks.js';
import { looksLikeTaskfile, taskfileCommands } from './taskfile-commands.js';
import { toxCommands } from './tox-commands.js';
import { readToxToml } from './tox-toml.js';

/**
 * Findings that say only that the gate cannot tell (a program it has no model of, a command or address known at
 * run time, a piece that does not parse): in a script they are everyday (its own functions, `$(CC)`, `"$URL"`),
 * and only what the gate can tell is risky makes writing it ask.
 */
export const UNJUDGED: ReadonlySet<string> = new Set([
  'exec.unknown-program',
  'exec.dynamic',
  'exec.unparseable',
  'net.fetch-unknown',
]);

/**
 * Files whose text a developer tool runs as shell commands later, or an interpreter runs as code. Not a
 * Dockerfile: its `RUN` lines run at `docker build`, inside a container, and the container daemon asks whenever
 * it is used. Not `.envrc`: direnv runs it whole, and any write of it asks (tool.write-exec-config).
 */
export type ScriptKind =
  | 'shell'
  | 'make'
  | 'package-json'
  | 'just'
  | 'taskfile'
  | 'procfile'
  | 'tox'
  | 'tox-toml'
  | 'pyproject'
  | 'poe-tasks'
  | 'hatch-toml'
  | 'cargo-config'
  | 'maven-pom'
  | 'maven-config'
  | 'jvm-config'
  | 'gradle-properties'
  | BuildLanguage
  | CodeKind;

/** Languages whose code the gate reads as it reads the same code given inline (`python3 -c`, `node -e`). */
export type CodeKind = 'python' | 'node' | 'perl' | 'ruby';

/** The interpreter that runs inline code of each language, and how it is given the code. */
const INLINE: Record<CodeKind, string> = {
  python: 'python3 -c',
  node: 'node -e',
  perl: 'perl -e',
  ruby: 'ruby -e',
};

/** Names of code files by language: JavaScript and TypeScript, Perl, Ruby (and the Ruby that rake and bundler load). */
const CODE_NAMES: [RegExp, CodeKind][] = [
  [/\.pyw?$/i, 'python'],
  [/\.(?:[mc]?js|[mc]?ts)$/i, 'node'],
  [/\.(?:pl|pm)$/i, 'perl'],
  [/\.(?:rb|rake|gemspec)$|^(?:Rakefile|Gemfile)$/, 'ruby'],
];

const SHELL_NAME = /\.(?:sh|bash|zsh|ksh|dash|ash|command|bats)$/i;
/** `#!/bin/sh`, `#!/usr/bin/env bash`, `#!/usr/bin/env -S bash -e`: a shell runs the file. */
export const SHELL_SHEBANG =
  /^#![ \t]*(?:\S*\/)?(?:(?:env|busybox)[ \t]+(?:-\S+[ \t]+)*)?(?:ba|z|k|da|a|mk)?sh(?:\s|$)/;

/** The program a `#!` line names (`#!/usr/bin/env -S deno run -A`: deno), when it is one the gate reads code of. */
const CODE_SHEBANG =
  /^#![ \t]*(?:\S*\/)?(?:(?:env|busybox)[ \t]+(?:-\S+[ \t]+)*)?(python[\d.]*|node|nodejs|deno|bun|tsx|ts-node|zx|perl[\d.]*|ruby[\d.]*)(?:\s|$)/;

/** The language of the code a `#!` line runs, when the gate reads it. */
export function shebangCode(head: string): CodeKind | undefined {
  const program = CODE_SHEBANG.exec(head.replace(/^\uFEFF/, ''))?.[1];
  if (program === undefined) return undefined;
  if (program.startsWith('python')) return 'python';
  if (program.startsWith('perl')) return 'perl';
  if (program.startsWith('ruby')) return 'ruby';
  return 'node';
}

/** Whether a kind is code an interpreter runs, rather than command lines a shell runs. */
export function isCode(kind: ScriptKind): kind is CodeKind {
  return kind in INLINE;
}

/** Whether a kind is code (an interpreter's, or a build's: Rust, Groovy, Kotlin, Java), not lines of commands. */
export function isProgramCode(kind: ScriptKind): boolean {
  return isCode(kind) || kind === 'rust' || kind === 'groovy' || kind === 'kotlin' || kind === 'java';
}

/**
 * The least risk a finding needs to count, by kind. Code does much that a command line seldom does (starts
 * processes, reads files, talks to services): in code only what would be refused or asked in any mode counts
 * (a hook turned off, a key sent out, a download run).
 */
export function leastRisk(kind: ScriptKind): number {
  return isProgramCode(kind) ? 0.7 : 0;
}

/** What runs the file at `path` whose text is `head` (its start may do): a shell its commands, or an interpreter whose code the gate reads. */
export function scriptKind(path: string, head: string): ScriptKind | undefined {
  const name = posix.basename(path);
  if (name === 'package.json') return 'package-json';
  if (/^(?:GNUmakefile|[Mm]akefile)$|\.mk$/.test(name)) return 'make';
  if (/^\.?justfile$|\.just$/i.test(name)) return 'just';
  if (/^Procfile(?:\.[\w.-]+)?$/.test(name)) return 'procfile';
  // tox reads tox.ini, setup.cfg's `[tox:tox]` and `[testenv…]`, pyproject.toml's `[tool.tox]` and tox.toml.
  if (name === 'tox.ini' || name === 'setup.cfg') return 'tox';
  if (name === 'tox.toml') return 'tox-toml';
  if (name === 'pyproject.toml') return 'pyproject';
  // poe the poet's and hatch's own files; cargo's configuration; Rust (a build script), Gradle's scripts.
  if (name === 'poe_tasks.toml') return 'poe-tasks';
  if (name === 'hatch.toml') return 'hatch-toml';
  if (/(?:^|\/)\.cargo\/config(?:\.toml)?$/.test(path)) return 'cargo-config';
  // Maven's pom and the options .mvn holds, Gradle's properties (the JVM options of its daemon).
  if (name === 'pom.xml') return 'maven-pom';
  if (/(?:^|\/)\.mvn\/maven\.config$/.test(path)) return 'maven-config';
  if (/(?:^|\/)\.mvn\/jvm\.config$/.test(path)) return 'jvm-config';
  if (name === 'gradle.properties') return 'gradle-properties';
  if (/\.rs$/.test(name)) return 'rust';
  // Gradle's scripts; the Kotlin, Groovy and Java a build compiles and runs (buildSrc, an included build's).
  if (/\.(?:gradle\.kts|kts?)$/.test(name)) return 'kotlin';
  if (/\.(?:gradle|groovy)$/.test(name)) return 'groovy';
  if (/\.java$/.test(name)) return 'java';
  if (/^taskfile(?:\.dist)?\.ya?ml$/i.test(name) || (/\.ya?ml$/i.test(name) && looksLikeTaskfile(head)))
    return 'taskfile';
  const start = head.replace(/^\uFEFF/, '').slice(0, 256);
  if (SHELL_NAME.test(name) || SHELL_SHEBANG.test(start)) return 'shell';
  return shebangCode(start) ?? CODE_NAMES.find(([re]) => re.test(name))?.[1];
}

/** A just recipe line as the shell gets it: `{{expr}}` stands for an unknown word. */
function justToShell(line: string): string {
  return line.replace(/\{\{[^{}]*\}\}/g, '${JUST_VALUE}');
}

/**
 * A justfile's recipe lines, and the backticks of its assignments (run when the file loads); a `set shell`
 * other than a POSIX shell runs each line (`set shell := ["python3", "-c"]`).
 */
function justCommands(text: string): string[] {
  const lines = logicalLines(text);
  const set = lines.map((l) => /^set\s+shell\s*:=\s*\[(.*)\]/.exec(l)?.[1]).find((v) => v !== undefined);
  const shell = [...(set ?? '').matchAll(/"((?:[^"\\]|\\.)*)"|'([^']*)'/g)].map((m) => m[1] ?? m[2] ?? '');
  const posixShell = shell.length === 0 || /^(?:\S*\/)?(?:ba|da|z|k)?sh$/.test(shell[0] ?? '');
  const quote = (t: string) => `'${t.replace(/'/g, `'\\''`)}'`;
  const recipes = lines
    .filter((l) => /^[ \t]+\S/.test(l))
    .map((l) => justToShell(l.replace(/^[ \t]+[@-]*/, '')))
    .map((l) => (posixShell ? l : `${shell.join(' ')} ${quote(l)}`));
  const backticks = lines
    .filter((l) => !/^[ \t]/.test(l))
    .flatMap((l) => [...l.matchAll(/`([^`]+)`/g)].map((m) => justToShell(m[1] ?? '')));
  return [...recipes, ...backticks];
}

/** `"name": "value"` pairs of JSON text, whole or a piece of it, values unescaped. */
function jsonPairs(text: string): [string, string][] {
  const out: [string, string][] = [];
  for (const m of text.matchAll(/"((?:[^"\\\n]|\\.){0,256})"\s*:\s*"((?:[^"\\\n]|\\.)*)"/g)) {
    try {
      out.push([JSON.parse(`"${m[1]}"`) as string, JSON.parse(`"${m[2]}"`) as string]);
    } catch {
      // not a JSON string: not a value npm reads
    }
    if (out.length >= 1024) break;
  }
  return out;
}

/** Fields of package.json that are never commands (a fragment's pairs may come from anywhere in it). */
const PACKAGE_DATA = new Set([
  'name',
  'version',
  'description',
  'license',
  'author',
  'homepage',
  'main',
  'module',
  'types',
  'typings',
  'type',
  'url',
  'email',
  'directory',
  'node',
  'npm',
  'packageManager',
]);

/**
 * The scripts of package.json text by name (undefined when it is not JSON), with the package's `config` put in
 * where a script names it (npm gives it to scripts as `$npm_package_config_NAME`).
 */
export function packageScripts(text: string): Record<string, string> | undefined {
  let json: { scripts?: unknown; config?: unknown };
  try {
    json = JSON.parse(text) as typeof json;
  } catch {
    return undefined;
  }
  if (typeof json !== 'object' || json === null) return {};
  const { scripts, config } = json;
  if (typeof scripts !== 'object' || scripts === null) return {};
  const values = typeof config === 'object' && config !== null ? (config as Record<string, unknown>) : {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(scripts))
    if (typeof v === 'string')
      out[k] = v.replace(/\$\{?npm_package_config_(\w+)\}?/g, (m, n: string) =>
        typeof values[n] === 'string' ? (values[n] as string) : m,
      );
  return out;
}

/**
 * The command lines a file of this kind hands to a shell: a shell script whole, each make or just recipe line
 * (a `$(shell …)` anywhere), each package.json script, each go-task, Procfile or tox command (tox.ini,
 * setup.cfg, tox.toml, pyproject.toml's `tool.tox`), each poe, pdm or hatch task (python-tasks.ts), what cargo's
 * configuration runs (cargo-config.ts), the command lines the strings of Rust or Gradle code make
 * (build-code.ts). `whole`: the text is the whole file, not a piece.
 */
export function commandsOf(kind: ScriptKind, text: string, whole: boolean): string[] {
  switch (kind) {
    case 'shell':
      return [text];
    case 'python':
    case 'node':
    case 'perl':
    case 'ruby':
      // Judged as the same code given inline (`python3 -c`, `node -e`: the gate's scan of that language).
      return [`${INLINE[kind]} '${text.replaceAll("'", "'\\''")}'`];
    case 'make':
      return makeCommands(text);
    case 'just':
      return justCommands(text);
    case 'taskfile':
      return taskfileCommands(text, whole);
    case 'procfile':
      return procfileCommands(text);
    case 'tox':
      return toxCommands(text);
    case 'tox-toml':
      return readToxToml(text, false, whole)?.commands ?? [];
    case 'pyproject':
      return [
        ...(readToxToml(text, true, whole)?.commands ?? []),
        ...(readPythonTasks(text, whole ? 'pyproject.toml' : '', ['poe', 'pdm', 'hatch'])?.commands ?? []),
      ];
    case 'poe-tasks':
      return readPythonTasks(text, whole ? 'poe_tasks.toml' : '', ['poe'])?.commands ?? [];
    case 'hatch-toml':
      return readPythonTasks(text, whole ? 'hatch.toml' : '', ['hatch'])?.commands ?? [];
    case 'cargo-config':
      return readCargoConfig(text).commands;
    case 'maven-pom':
      return readPom(text, 'pom.xml', { allow: [], deny: [] }).commands;
    case 'maven-config':
      // More of every mvn command line's options: judged as typed with it.
      return [
        `mvn ${optionWords(text)
          .map((w) => `'${w.replaceAll("'", "'\\''")}'`)
          .join(' ')}`,
      ];
    case 'jvm-config':
      return readJvmOptions(optionWords(text)).commands;
    case 'gradle-properties':
      return readJvmOptions(optionWords(readProperties(text).get('org.gradle.jvmargs') ?? '')).commands;
    case 'rust':
    case 'groovy':
    case 'kotlin':
    case 'java':
      return buildCodeCommands(text, kind);
    case 'package-json': {
      // Not JSON yet (a piece, or a file being written): its pairs are read like a piece.
      const scripts = whole ? packageScripts(text) : undefined;
      if (scripts) return Object.values(scripts);
      return jsonPairs(text)
        .filter(([k, v]) => !PACKAGE_DATA.has(k) && /\s|[|;&<>$`]/.test(v.trim()))
        .map(([, v]) => v);
    }
  }
}
