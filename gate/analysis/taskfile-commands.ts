/**
 * The command lines of a go-task Taskfile, read from its YAML by indentation (no YAML library: the text may be
 * a piece, and only where commands stand matters): the items of `cmds`, `status` and `preconditions`, the value
 * of `cmd`, `sh` (a dynamic variable, a precondition) and `defer`, in block, flow or JSON form, quoted or not,
 * folded, continued on the next lines, or given by an alias of an anchored value. go-task runs them in its own
 * POSIX shell interpreter; `{{.VAR}}` is known at run time.
 */

import { plainKeys } from './yaml-keys.js';

/** Keys whose value is a command. */
const COMMAND_KEY = /^(?:cmd|sh|defer)$/;
/** Keys whose list items are commands. */
const COMMAND_LIST = /^(?:cmds|status|preconditions)$/;
const KEY = /^(["']?)([\w.-]+)\1[ \t]*:(?:[ \t]+(.*))?$/;
/** `cmds: [a, b]` and `cmd: x` wherever they stand (a flow mapping, a Taskfile written as JSON). */
const FLOW_LIST = /["']?\b(cmds|status|preconditions)["']?\s*:\s*\[([^\]]*)\]/g;
const FLOW_VALUE = /["']?\b(cmd|sh|defer)["']?\s*:\s*("(?:[^"\\\n]|\\.)*"|'(?:[^'\n]|'')*'|[^,}\]\n]+)/g;

const indentOf = (line: string) => line.length - line.trimStart().length;

/** A template as the shell gets it: `{{.VAR}}` stands for an unknown word. */
const taskToShell = (s: string) => s.replace(/\{\{[^{}]*\}\}/g, `\${TASK_VALUE}`);

/** A scalar's text: quotes taken off, escapes of a double-quoted one read, a plain one's comment cut. */
function scalar(value: string): string {
  const v = value.trim();
  if (v.startsWith('"')) {
    const end = /^"((?:[^"\\]|\\.)*)"/.exec(v)?.[1];
    try {
      return JSON.parse(`"${end ?? v.slice(1)}"`) as string;
    } catch {
      return (end ?? v.slice(1)).replace(/\\(.)/g, '$1');
    }
  }
  if (v.startsWith("'")) return (/^'((?:[^']|'')*)'/.exec(v)?.[1] ?? v.slice(1)).replace(/''/g, "'");
  return v.replace(/\s+#.*$/, '');
}

/** The items of a flow sequence's inside (`'a', b, "c, d"`), commas in quotes kept. */
function flowItems(inside: string): string[] {
  return [...inside.matchAll(/\s*("(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^,]+)\s*(?:,|$)/g)]
    .map((m) => scalar(m[1] ?? ''))
    .filter((s) => s !== '');
}

/** The commands of Taskfile text; `whole` false: a piece, whose list items may be commands of any key. */
export function taskfileCommands(raw: string, whole: boolean): string[] {
  const text = plainKeys(raw);
  const lines = text.split(/\r?\n/);
  const out: string[] = [];
  const anchors = new Map<string, string>();
  const parents: { indent: number; key: string }[] = [];
  // The value at line i (and the lines it goes on to): a block scalar, a multi-line plain or quoted one.
  const valueAt = (value: string, i: number, base: number): [string, number] => {
    let v = value.trim();
    const anchor = /^&([\w.-]+)\s*/.exec(v);
    if (anchor) v = v.slice(anchor[0].length);
    const alias = /^\*([\w.-]+)\s*$/.exec(v)?.[1];
    if (alias !== undefined) return [anchors.get(alias) ?? '', i];
    let j = i;
    let text: string;
    const block = /^([|>])[-+0-9]*\s*(?:#.*)?$/.exec(v);
    if (block) {
      const body: string[] = [];
      while (j + 1 < lines.length && (lines[j + 1]?.trim() === '' || indentOf(lines[j + 1] ?? '') > base))
        body.push(lines[++j] ?? '');
      while (body.at(-1)?.trim() === '') body.pop();
      const least = Math.min(...body.filter((l) => l.trim() !== '').map(indentOf));
      const dedented = body.map((l) => l.slice(Number.isFinite(least) ? least : 0));
      text = block[1] === '|' ? dedented.join('\n') : dedented.join(' ');
    } else {
      let joined = v;
      // A plain or quoted scalar goes on while the next lines are indented past its key and start nothing new.
      while (
        j + 1 < lines.length &&
        indentOf(lines[j + 1] ?? '') > base &&
        !/^\s*(?:-\s|-$|#|["']?[\w.-]+["']?\s*:(?:\s|$))/.test(lines[j + 1] ?? '')
      )
        joined += ` ${(lines[++j] ?? '').trim()}`;
      text = joined.startsWith('[') ? joined : scalar(joined);
    }
    if (anchor?.[1]) anchors.set(anchor[1], text);
    return [text, j];
  };
  const push = (command: string) => {
    if (command.trim() !== '') out.push(command);
  };
  const values = new Map<string, string>();
  for (let i = 0; i < lines.length && out.length < 1024; i++) {
    const line = lines[i] ?? '';
    if (/^\s*(?:#|$)|^(?:---|\.\.\.)\s*$/.test(line)) continue;
    const base = indentOf(line);
    let rest = line.trimStart();
    let indent = base;
    let item = false;
    for (let m = /^-(?:[ \t]+|$)/.exec(rest); m; m = /^-(?:[ \t]+|$)/.exec(rest)) {
      indent += m[0].length;
      rest = rest.slice(m[0].length);
      item = true;
    }
    while (parents.length > 0 && (parents.at(-1)?.indent ?? 0) >= indent) parents.pop();
    const key = KEY.exec(rest);
    if (key) {
      const name = key[2] ?? '';
      parents.push({ indent, key: name });
      if (!COMMAND_KEY.test(name) && !COMMAND_LIST.test(name)) {
        // Its value is passed over, whatever lines it goes on to (a `summary: |` block is not tasks), and kept
        // for a command that names it (`vars: {P: …}` run as `cmds: ['{{.P}}']`).
        if (key[3]?.trim()) {
          const [value, end] = valueAt(key[3], i, indent);
          i = end;
          if (!value.startsWith('[') && !values.has(name)) values.set(name, value);
        }
        continue;
      }
      const [value, end] = valueAt(key[3] ?? '', i, indent);
      i = end;
      if (COMMAND_KEY.test(name)) push(value);
      else if (value.startsWith('['))
        for (const c of flowItems(value.slice(1, value.lastIndexOf(']')))) push(c);
      continue;
    }
    if (!item || rest === '') continue;
    const parent = parents.at(-1)?.key;
    const [value, end] = valueAt(rest, i, base);
    i = end;
    if (parent === undefined ? !whole : COMMAND_LIST.test(parent)) push(value);
  }
  for (const m of text.matchAll(FLOW_LIST)) for (const c of flowItems(m[2] ?? '')) push(c);
  for (const m of text.matchAll(FLOW_VALUE)) push(scalar(m[2] ?? ''));
  // A template naming a variable the file sets (`{{.P}}`, `{{ .P }}`) is that variable's text; others are unknown.
  const filled = out.map((c) =>
    taskToShell(c.replace(/\{\{-?\s*\.([\w]+)\s*-?\}\}/g, (m, n: string) => values.get(n) ?? m)),
  );
  return [...new Set(filled)];
}

/** A YAML file with go-task's shape (a top-level `tasks:` and `version:`), whatever its name (`includes:`). */
export function looksLikeTaskfile(text: string): boolean {
  if (/^tasks[ \t]*:/m.test(text) && /^version[ \t]*:/m.test(text)) return true;
  // The same as JSON or a flow mapping (YAML reads JSON): `{"version": "3", "tasks": {…}}`.
  return /^\s*\{/.test(text) && /["']?\btasks["']?\s*:/.test(text) && /["']?\bversion["']?\s*:/.test(text);
}
