import { posix } from 'node:path';

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

/** Files whose text a developer tool runs as shell commands later. */
export type ScriptKind = 'shell' | 'make' | 'package-json' | 'just' | 'python';

const SHELL_NAME = /\.(?:sh|bash|zsh|ksh|dash|ash|command|bats)$/i;
/** `#!/bin/sh`, `#!/usr/bin/env bash`, `#!/usr/bin/env -S bash -e`: a shell runs the file. */
const SHELL_SHEBANG = /^#![ \t]*(?:\S*\/)?(?:env[ \t]+(?:-\S+[ \t]+)*)?(?:ba|z|k|da|a|mk)?sh(?:\s|$)/;

const PYTHON_SHEBANG = /^#![ \t]*(?:\S*\/)?(?:env[ \t]+(?:-\S+[ \t]+)*)?python[\d.]*(?:\s|$)/;

/**
 * The least risk a finding needs to count, by kind. Code does much that a command line seldom does (starts
 * processes, reads files, talks to services): in Python only what would be refused or asked in any mode counts
 * (a hook turned off, a key sent out, a download run).
 */
export function leastRisk(kind: ScriptKind): number {
  return kind === 'python' ? 0.7 : 0;
}

/** What runs the file at `path` whose text starts as `head`, if a shell runs its commands. */
export function scriptKind(path: string, head: string): ScriptKind | undefined {
  const name = posix.basename(path);
  if (name === 'package.json') return 'package-json';
  if (/^(?:GNUmakefile|[Mm]akefile)$|\.mk$/.test(name)) return 'make';
  if (/^\.?[Jj]ustfile$|\.just$/.test(name)) return 'just';
  if (SHELL_NAME.test(name) || SHELL_SHEBANG.test(head.slice(0, 256))) return 'shell';
  if (/\.pyw?$/i.test(name) || PYTHON_SHEBANG.test(head.slice(0, 256))) return 'python';
  return undefined;
}

/** Lines with their `\` continuations joined, as make and a shell read them. */
function logicalLines(text: string): string[] {
  return text.replace(/\\\r?\n/g, ' ').split(/\r?\n/);
}

/**
 * A make recipe line as the shell gets it: make's own references stand for unknown words (`$(CC)`,
 * `$@`), `$$` is the shell's `$`, and `$(shell …)` is a command.
 */
function makeToShell(line: string): string {
  return line
    .split('$$')
    .map((part) =>
      part
        .replace(/\$[({](?!shell\s)[a-z-]+\s[^()]*[)}]/g, '${MAKE_FUNCTION}')
        .replace(/\$\(shell\s/g, '$(')
        .replace(/\$[({]([A-Za-z_][\w.-]*)[)}]/g, (_, v: string) => `\${${v.replace(/[.-]/g, '_')}}`)
        .replace(/\$[@<^*?%+|]/g, '${MAKE_AUTOMATIC}'),
    )
    .join('$');
}

/** A just recipe line as the shell gets it: `{{expr}}` stands for an unknown word. */
function justToShell(line: string): string {
  return line.replace(/\{\{[^{}]*\}\}/g, '${JUST_VALUE}');
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
 * The command lines a file of this kind hands to a shell: a shell script whole, each make or just recipe line
 * (a `$(shell …)` anywhere), each package.json script. `whole`: the text is the whole file, not a piece.
 */
export function commandsOf(kind: ScriptKind, text: string, whole: boolean): string[] {
  switch (kind) {
    case 'shell':
      return [text];
    case 'python':
      // Judged as the same code given to `python3 -c` (the gate's Python scan).
      return [`python3 -c '${text.replaceAll("'", "'\\''")}'`];
    case 'make':
      return logicalLines(text).flatMap((l) => {
        if (/^\t/.test(l)) return [makeToShell(l.replace(/^\t[ \t@+-]*/, ''))];
        const shell = /\$\(shell\s/.test(l) ? l.slice(l.indexOf('$(shell')) : '';
        return shell ? [makeToShell(`echo ${shell}`)] : [];
      });
    case 'just':
      return logicalLines(text)
        .filter((l) => /^[ \t]+\S/.test(l))
        .map((l) => justToShell(l.replace(/^[ \t]+[@-]*/, '')));
    case 'package-json': {
      if (whole) {
        try {
          const scripts = (JSON.parse(text) as { scripts?: unknown }).scripts;
          if (typeof scripts === 'object' && scripts !== null)
            return Object.values(scripts).filter((v): v is string => typeof v === 'string');
          return [];
        } catch {
          // not JSON yet: read its pairs like a piece
        }
      }
      return jsonPairs(text)
        .filter(([k, v]) => !PACKAGE_DATA.has(k) && /\s|[|;&<>$`]/.test(v.trim()))
        .map(([, v]) => v);
    }
  }
}
