/**
 * The command lines a Makefile hands to a shell, read as make reads them: recipe lines (after a tab, or the
 * `.RECIPEPREFIX`; after `target: ;` on the rule's line), `$(shell …)` / `${shell …}` anywhere and `!=`
 * assignments, with the file's own variables and `define` blocks put in where recipes use them (`$(X)`,
 * `$(call X)`), `$(eval …)` text read as makefile text again, and a `SHELL` the file sets running each line.
 */

/** Lines with their `\` continuations joined, as make and a shell read them. */
export function logicalLines(text: string): string[] {
  return text.replace(/\\\r?\n/g, ' ').split(/\r?\n/);
}

const ASSIGN =
  /^(?:(?:export|override|private|unexport)\s+)*([A-Za-z_.][\w.-]*)\s*(::?=|:::=|\+=|\?=|!=|=)\s*(.*)$/;
const DEFINE = /^(?:(?:export|override|private)\s+)*define\s+([A-Za-z_.][\w.-]*)/;

/** The text of each `$(NAME …)` / `${NAME …}` call in `line`, brackets balanced. */
function calls(line: string, name: string): string[] {
  const out: string[] = [];
  const re = new RegExp(`\\$([({])${name}\\s`, 'g');
  for (const m of line.matchAll(re)) {
    const open = m[1] ?? '(';
    const close = open === '(' ? ')' : '}';
    let depth = 1;
    let i = (m.index ?? 0) + m[0].length;
    const start = i;
    for (; i < line.length && depth > 0; i++) {
      if (line[i] === open) depth++;
      else if (line[i] === close) depth--;
    }
    out.push(line.slice(start, depth === 0 ? i - 1 : i));
    if (out.length >= 64) break;
  }
  return out;
}

/** Make's references put in as the shell gets them: the file's variables, `$$` as `$`, others unknown words. */
function expand(line: string, vars: Map<string, string>, depth = 0): string {
  if (depth > 4) return line;
  return line
    .split('$$')
    .map((part) =>
      part
        .replace(/\$[({]call\s+([A-Za-z_.][\w.-]*)[^)}]*[)}]/g, (m, v: string) =>
          vars.has(v) ? expand(vars.get(v) ?? '', vars, depth + 1) : m,
        )
        .replace(/\$[({]([A-Za-z_.][\w.-]*)[)}]/g, (m, v: string) =>
          vars.has(v) ? expand(vars.get(v) ?? '', vars, depth + 1) : m,
        ),
    )
    .join('$$');
}

/** A recipe line as the shell gets it: `$(shell …)` is a command, make's own references unknown words. */
function makeToShell(line: string): string {
  return line
    .split('$$')
    .map((part) =>
      part
        .replace(/\$[({](?!shell\s)[a-z-]+\s[^()]*[)}]/g, '${MAKE_FUNCTION}')
        .replace(/\$[({]shell\s/g, '$(')
        .replace(/\$[({]([A-Za-z_][\w.-]*)[)}]/g, (_, v: string) => `\${${v.replace(/[.-]/g, '_')}}`)
        .replace(/\$[@<^*?%+|]/g, '${MAKE_AUTOMATIC}'),
    )
    .join('$');
}

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** `targets: prerequisites ; recipe` (not an assignment). */
const RULE = /^([^:#=\t][^:#=]*?)\s*::?(?!=)\s*([^;#=]*)(?:;(.*))?$/;

interface Makefile {
  /** Each recipe line with the targets of its rule ([] when make runs it whatever the goal: `$(eval …)`). */
  recipes: { targets: string[]; line: string }[];
  /** Prerequisites by target. */
  deps: Map<string, string[]>;
  /** Commands make runs while reading the file (`$(shell …)`, `!=`). */
  shells: string[];
  /** The goal `make` alone builds. */
  first?: string | undefined;
  /** A recipe line as the shell (or the `SHELL` the file chooses) runs it. */
  run: (line: string) => string;
}

function parseMake(text: string, depth: number): Makefile {
  const vars = new Map<string, string>();
  const m: Makefile = { recipes: [], deps: new Map(), shells: [], run: (l) => l };
  let prefix = '\t';
  let targets: string[] = [];
  let define: { name: string; lines: string[] } | undefined;
  for (const l of logicalLines(text)) {
    if (define) {
      if (/^\s*endef\b/.test(l)) {
        vars.set(define.name, define.lines.join('\n'));
        define = undefined;
      } else define.lines.push(l);
      continue;
    }
    if (l.startsWith(prefix)) {
      m.recipes.push({ targets, line: l.slice(prefix.length).replace(/^[ \t@+-]*/, '') });
      continue;
    }
    const d = DEFINE.exec(l);
    if (d?.[1]) {
      define = { name: d[1], lines: [] };
      continue;
    }
    for (const s of calls(l, 'shell')) m.shells.push(s);
    if (depth < 3)
      for (const e of calls(l, 'eval'))
        m.recipes.push(...makeCommands(e, depth + 1).map((line) => ({ targets: [], line })));
    const a = ASSIGN.exec(l);
    if (a?.[1]) {
      const [, name, op, value = ''] = a;
      if (name === '.RECIPEPREFIX') prefix = value.trim()[0] ?? '\t';
      if (op === '!=') m.shells.push(value);
      vars.set(name, op === '+=' ? `${vars.get(name) ?? ''} ${value}` : value);
      continue;
    }
    const r = RULE.exec(l);
    if (!r) continue;
    targets = expand(r[1] ?? '', vars)
      .split(/\s+/)
      .filter(Boolean);
    const deps = expand(r[2] ?? '', vars)
      .split(/\s+/)
      .filter(Boolean);
    for (const t of targets) m.deps.set(t, [...(m.deps.get(t) ?? []), ...deps]);
    m.first ??= targets.find((t) => !t.startsWith('.') && !t.includes('%'));
    if (r[3]?.trim()) m.recipes.push({ targets, line: r[3].trim() });
  }
  if (define) vars.set(define.name, define.lines.join('\n'));
  m.first = vars.get('.DEFAULT_GOAL')?.trim() || m.first;
  // A shell the file chooses runs each recipe line as `$(SHELL) $(.SHELLFLAGS) 'line'` (python3 -c …).
  const shell = vars.get('SHELL')?.trim();
  const flags = vars.get('.SHELLFLAGS')?.trim() || '-c';
  const wrap = (line: string) =>
    shell && !/^(?:\/usr)?\/bin\/(?:ba)?sh$|^(?:ba)?sh$/.test(shell)
      ? `${makeToShell(expand(shell, vars))} ${flags} ${quote(line)}`
      : line;
  m.run = (line) => wrap(makeToShell(expand(line, vars)));
  m.shells = m.shells.map((s) => makeToShell(expand(s, vars)));
  return m;
}

/** The shell command lines of makefile text (`depth`: `$(eval …)` text read again). */
export function makeCommands(text: string, depth = 0): string[] {
  const m = parseMake(text, depth);
  return [...new Set([...m.recipes.map((r) => m.run(r.line)), ...m.shells])];
}

/**
 * The command lines `make GOALS` runs: what the file runs while read, the recipes of the goals (the first target
 * without one) and of what they need, pattern rules' and `$(eval …)`'s recipes.
 */
export function makeRunCommands(text: string, goals: string[]): string[] {
  const m = parseMake(text, 0);
  const wanted = new Set<string>();
  const visit = (t: string) => {
    if (wanted.has(t) || wanted.size > 512) return;
    wanted.add(t);
    for (const d of m.deps.get(t) ?? []) visit(d);
  };
  for (const g of goals.length > 0 ? goals : m.first ? [m.first] : []) visit(g);
  const runs = m.recipes.filter(
    (r) => r.targets.length === 0 || r.targets.some((t) => wanted.has(t) || t.includes('%')),
  );
  return [...new Set([...m.shells, ...runs.map((r) => m.run(r.line))])];
}
