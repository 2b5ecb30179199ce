import type { Node } from 'web-tree-sitter';
import { hiddenBackquoted } from './backquotes.js';
import { afterHereDocEnd } from './here-doc-end.js';
import { gluedDescriptor, isGluedDescriptor, setStdin, stdinFrom } from './redirects.js';
import type { Redirect, SimpleCommand } from './simple-command.js';
import { cdDestination, forgetPositional, joinCwd, trackBuiltinState } from './variables.js';
import { type Env, evalWord, expandBraces, UNKNOWN, WORDS } from './words.js';

export type { Redirect, SimpleCommand } from './simple-command.js';
export { display, evalWord, UNKNOWN } from './words.js';

/** What one line of a command's output stands for, when that is known (a file `find -name .env` finds). */
export type PipedLine = (producer: SimpleCommand) => string | undefined;

interface WalkState {
  env: Env;
  out: SimpleCommand[];
  cwd?: string;
  inLoop: boolean;
  substituted: boolean;
  pipedLine?: PipedLine;
  /** Variables a `… | while read v` loop bound to what the producer prints (their `read` keeps that value). */
  readBound?: Set<string>;
}

/**
 * Flattens a parsed script into simple commands, tracking variables, `cd` and pipes. `pipedLine` gives the
 * variable of a `… | while read v` loop the value of a line the command before it prints.
 */
export function collectCommands(root: Node, env: Env = new Map(), pipedLine?: PipedLine): SimpleCommand[] {
  const state: WalkState = {
    env,
    out: [],
    inLoop: false,
    substituted: false,
    ...(pipedLine ? { pipedLine } : {}),
  };
  walk(root, state);
  // What bash runs in backquotes the grammar left as text: analysed as the shell would run it.
  for (const text of hiddenBackquoted(root)) runsText(text, state);
  // Here-strings wherever they are (a loop's `done <<< $(cmd)` too): their substitutions run.
  for (const h of root.descendantsOfType('herestring_redirect')) if (h) scanSubstitutions(h, state);
  return state.out;
}

/** `… | while read [-r] v; do …`: the loop's variable takes each line the producer prints. */
function bindReadLoop(loop: Node, producer: SimpleCommand | undefined, s: WalkState): void {
  if (!producer || !s.pipedLine) return;
  const condition = loop.childForFieldName('condition')?.text ?? '';
  const words = condition.replace(/;\s*$/, '').trim().split(/\s+/);
  const at = words.indexOf('read');
  if (at < 0) return;
  const name = words
    .slice(at + 1)
    .filter((w) => /^[A-Za-z_]\w*$/.test(w))
    .at(-1);
  const line = s.pipedLine(producer);
  if (name && line !== undefined) {
    s.env.set(name, line);
    s.readBound ??= new Set();
    s.readBound.add(name);
  }
}

function kids(node: Node): Node[] {
  return node.namedChildren.filter((n): n is Node => n !== null);
}

function walk(node: Node, s: WalkState): SimpleCommand[] {
  switch (node.type) {
    case 'command':
      return [command(node, s)];
    case 'variable_assignment': {
      const a = assign(node, s, true);
      const cmd: SimpleCommand = {
        argv: [],
        raw: [],
        assigns: [a],
        redirects: [],
        inLoop: s.inLoop,
        substituted: s.substituted,
      };
      s.out.push(cmd);
      return [cmd];
    }
    case 'declaration_command':
    case 'unset_command': {
      // Kept as a command (`export X=1`, `unset HISTFILE`) so the analysis sees what is changed.
      const assigns = kids(node)
        .filter((c) => c.type === 'variable_assignment')
        .map((c) => assign(c, s, true));
      // `unset a[$(cmd)]`, `declare -n r=…`: bash evaluates subscripts in the names it is given.
      for (const c of kids(node)) if (c.type !== 'variable_assignment') scanSubstitutions(c, s);
      const argv = [
        node.children[0]?.text ?? '',
        ...kids(node)
          .filter((c) => c.type !== 'variable_assignment')
          .map((c) => c.text),
      ];
      const cmd: SimpleCommand = {
        argv,
        raw: [...argv],
        assigns,
        redirects: [],
        inLoop: s.inLoop,
        substituted: s.substituted,
      };
      s.out.push(cmd);
      return [cmd];
    }
    case 'pipeline': {
      const stages: SimpleCommand[][] = [];
      for (const k of kids(node)) {
        if (k.type === 'while_statement') bindReadLoop(k, stages.at(-1)?.at(-1), s);
        stages.push(walk(k, s));
      }
      link(stages);
      return stages.flat();
    }
    case 'redirected_statement':
      return redirected(node, s);
    case 'for_statement':
    case 'c_style_for_statement':
    case 'while_statement':
    case 'until_statement': {
      const outer = s.inLoop;
      const variable = node.childForFieldName('variable');
      const values = node.childrenForFieldName('value').filter((n): n is Node => n !== null);
      for (const v of values) scanSubstitutions(v, s);
      if (variable)
        s.env.set(variable.text, values.length === 1 && values[0] ? evalWord(values[0], s) : UNKNOWN);
      s.inLoop = true;
      const out = kids(node)
        .filter((k) => k !== variable && !values.includes(k))
        .flatMap((k) => walk(k, s));
      s.inLoop = outer;
      return out;
    }
    case 'function_definition': {
      // In a function body `$1`… are the function's arguments, and what it does to them stays there.
      const body = node.childForFieldName('body');
      const outer = new Map(s.env);
      forgetPositional(s.env);
      const cmds = body ? walk(body, s) : [];
      for (const k of [...s.env.keys()]) if (/^\d+$|^#set$/.test(k)) s.env.delete(k);
      for (const [k, v] of outer) if (/^\d+$|^#set$/.test(k)) s.env.set(k, v);
      if (outer.has('1') || outer.has('#set')) forgetPositional(s.env);
      return cmds;
    }
    case 'command_substitution':
    case 'process_substitution':
      return substitution(node, s);
    case 'string':
    case 'concatenation':
    case 'expansion': {
      const before = s.out.length;
      scanSubstitutions(node, s);
      return s.out.slice(before);
    }
    case 'word':
    case 'raw_string':
    case 'number':
    case 'comment':
    case 'heredoc_body':
      return [];
    default:
      return kids(node).flatMap((k) => walk(k, s));
  }
}

function substitution(node: Node, s: WalkState): SimpleCommand[] {
  const outer = s.substituted;
  s.substituted = true;
  const out = kids(node).flatMap((k) => {
    if (k.type !== 'file_redirect') return walk(k, s);
    // `$(<file)`: bash reads the file itself, a `cat` without a program.
    const cmd: SimpleCommand = {
      argv: [],
      raw: [],
      assigns: [],
      redirects: [fileRedirect(k, s)],
      inLoop: s.inLoop,
      substituted: true,
      ...(s.cwd !== undefined ? { cwd: s.cwd } : {}),
    };
    s.out.push(cmd);
    return [cmd];
  });
  s.substituted = outer;
  return out;
}

function link(stages: SimpleCommand[][]): void {
  for (let i = 1; i < stages.length; i++) {
    const from = stages[i - 1]?.at(-1);
    const to = stages[i]?.[0];
    if (from && to) {
      from.pipeTo = to;
      to.pipeFrom = from;
    }
  }
}

function redirected(node: Node, s: WalkState): SimpleCommand[] {
  const body = node.childForFieldName('body');
  const cmds = body ? walk(body, s) : [];
  const first = cmds[0];
  const last = cmds.at(-1);
  const extra: SimpleCommand[] = [];
  // `bash 0</dev/null`: the grammar made the `0` the command's last argument (see isGluedDescriptor).
  const firstRedirect = node.childrenForFieldName('redirect')[0] ?? null;
  const lastWord = body?.type === 'command' ? body.lastChild : null;
  if (last && lastWord && isGluedDescriptor(lastWord, firstRedirect) && last.raw.at(-1) === lastWord.text) {
    last.argv.pop();
    last.raw.pop();
  }
  for (const r of node.childrenForFieldName('redirect')) {
    if (!r) continue;
    if (r.type === 'heredoc_redirect') {
      const bodyNode = kids(r).find((k) => k.type === 'heredoc_body');
      if (first) setStdin(first, bodyNode ? bodyNode.text : '');
      // An unquoted delimiter lets the shell expand the body: its `$(...)` run like any substitution.
      if (bodyNode) scanSubstitutions(bodyNode, s);
      const rest = bodyNode ? afterHereDocEnd(r, bodyNode) : undefined;
      if (rest) extra.push(runsText(rest, s));
      // tree-sitter-bash nests the rest of the line (`| sh`, `&& x`) inside the heredoc redirect.
      for (const k of kids(r)) {
        if (['heredoc_start', 'heredoc_body', 'heredoc_end', 'file_redirect'].includes(k.type)) continue;
        // `cat <<EOF ~/.ssh/id_rsa`: words after the delimiter are the command's arguments.
        if (WORDS.has(k.type) && first) {
          scanSubstitutions(k, s);
          first.argv.push(evalWord(k, s));
          first.raw.push(k.text);
          continue;
        }
        const more = walk(k, s);
        if (k.type === 'pipeline' || k.type === 'command') link([cmds, more]);
        extra.push(...more);
      }
      for (const k of kids(r))
        if (k.type === 'file_redirect' && last) last.redirects.push(fileRedirect(k, s, last));
    } else if (r.type === 'herestring_redirect') {
      scanSubstitutions(r, s);
      const w = kids(r)[0];
      if (first && w) setStdin(first, evalWord(w, s));
    } else if (r.type === 'file_redirect') {
      const red = fileRedirect(r, s, last);
      // The last redirect of fd 0 is what a shell or interpreter reads: `</dev/null` is empty, any other
      // file, descriptor or process substitution is text the gate does not see. An empty one counts only where
      // the first command reads the statement's input: on a pipeline or a list (`a | bash | cat </dev/null`,
      // `printf … > p && patch < p`) it is the last command's, and so is the redirect.
      const input = stdinFrom(red);
      const firstReads =
        body?.type === 'command' || body?.type === 'subshell' || body?.type === 'compound_statement';
      const target = red.op.startsWith('<') && firstReads ? first : last;
      target?.redirects.push(red);
      if (first && input !== null && (input === undefined || firstReads)) setStdin(first, input);
    }
  }
  return [...cmds, ...extra];
}

/** A command that runs `text` as shell text (`sh -c`): what bash runs where the grammar saw only data. */
function runsText(text: string, s: WalkState): SimpleCommand {
  const cmd: SimpleCommand = {
    argv: ['sh', '-c', text],
    raw: ['sh', '-c', text],
    assigns: [],
    redirects: [],
    inLoop: s.inLoop,
    substituted: s.substituted,
  };
  s.out.push(cmd);
  return cmd;
}

/**
 * A redirect and its target. The grammar puts every word after a redirect under it (`cat 2>/dev/null
 * ~/.ssh/id_rsa`): only the first is the target, the others are the command's arguments, added to `cmd`.
 */
function fileRedirect(node: Node, s: WalkState, cmd?: Pick<SimpleCommand, 'argv' | 'raw'>): Redirect {
  const fd = node.childForFieldName('descriptor')?.text ?? gluedDescriptor(node) ?? '';
  const [dest, ...more] = node.childrenForFieldName('destination').filter((d): d is Node => d !== null);
  let op = '';
  for (const c of node.children) if (c && !c.isNamed) op += c.type;
  if (dest) scanSubstitutions(dest, s);
  for (const word of more) {
    // The descriptor of the next redirect, which the grammar read as a word of this one.
    if (isGluedDescriptor(word, node.nextSibling)) continue;
    scanSubstitutions(word, s);
    cmd?.argv.push(evalWord(word, s));
    cmd?.raw.push(word.text);
  }
  return { op: op || '>', fd, target: dest ? evalWord(dest, s) : UNKNOWN };
}

function assign(node: Node, s: WalkState, persist: boolean): { name: string; value: string } {
  const nameNode = node.childForFieldName('name');
  // `a[$(cmd)]=1`: bash evaluates the subscript, and its substitutions run.
  if (nameNode) scanSubstitutions(nameNode, s);
  const name = nameNode?.text ?? '';
  const valueNode = node.childForFieldName('value');
  if (valueNode) scanSubstitutions(valueNode, s);
  const value = valueNode ? evalWord(valueNode, s) : '';
  // A name given two values is known only at run time: which one holds depends on control flow the walk does
  // not follow (`x=cat; false && x=echo; $x …` runs cat).
  const before = s.env.get(name);
  // `x+=more` appends (to an unknown value when x was not set here).
  const appends = node.children.some((c) => c?.type === '+=');
  const now = appends ? (before === undefined ? UNKNOWN : before + value) : value;
  if (persist && name) s.env.set(name, before === undefined || before === now || appends ? now : UNKNOWN);
  // `x=(a ~)`: its elements, for `${x[1]}` (a second array makes them unknown, like any value).
  if (persist && name && valueNode?.type === 'array')
    for (const [i, el] of kids(valueNode).entries()) {
      const key = `${name}[${i}]`;
      s.env.set(key, s.env.has(key) ? UNKNOWN : evalWord(el, s));
    }
  return { name, value };
}

/** A name bash assigns to: an identifier, or an array element. */
const ASSIGNABLE = /^[A-Za-z_][A-Za-z0-9_]*(?:\[.*\])?$/s;

function command(node: Node, s: WalkState): SimpleCommand {
  const argv: string[] = [];
  const raw: string[] = [];
  const assigns: { name: string; value: string }[] = [];
  const redirects: Redirect[] = [];
  // What standard input holds, as the last redirect of fd 0 leaves it (undefined text: unknown).
  let stdin: { text: string | undefined; raw?: string } | undefined;
  for (const child of kids(node)) {
    const name = child.type === 'variable_assignment' ? (child.childForFieldName('name')?.text ?? '') : '';
    // Only `NAME=…` before the first word is an assignment: bash runs `1a=b ls` as a program named `1a=b`.
    if (child.type === 'variable_assignment' && argv.length === 0 && ASSIGNABLE.test(name))
      assigns.push(assign(child, s, false));
    else if (child.type === 'variable_assignment') {
      scanSubstitutions(child, s);
      const value = child.childForFieldName('value');
      argv.push(`${name}=${value ? evalWord(value, s) : ''}`);
      raw.push(child.text);
    } else if (child.type === 'file_redirect') {
      const red = fileRedirect(child, s, { argv, raw });
      redirects.push(red);
      const input = stdinFrom(red);
      if (input !== null) stdin = { text: input };
    } else if (child.type === 'herestring_redirect') {
      scanSubstitutions(child, s);
      const w = kids(child)[0];
      stdin = { text: w ? evalWord(w, s) : '', raw: child.text };
    } else {
      scanSubstitutions(child, s);
      const target = child.type === 'command_name' ? (kids(child)[0] ?? child) : child;
      const words = expandBraces(child.text) ?? [evalWord(target, s)];
      for (const w of words) {
        argv.push(w);
        raw.push(child.text);
      }
    }
  }
  const cmd: SimpleCommand = {
    argv,
    raw,
    assigns,
    redirects,
    inLoop: s.inLoop,
    substituted: s.substituted,
    ...(s.cwd !== undefined ? { cwd: s.cwd } : {}),
  };
  if (stdin?.text !== undefined) cmd.stdinText = stdin.text;
  if (stdin?.raw !== undefined) cmd.hereRaw = stdin.raw;
  trackBuiltinState(argv, cmd.stdinText, s.env, s.readBound);
  const dest = cdDestination(argv);
  if (dest !== undefined) {
    if (dest.startsWith('/')) s.env.set('PWD', dest);
    else s.env.delete('PWD');
    s.cwd = dest === UNKNOWN || dest.startsWith('/') || dest.startsWith('~') ? dest : joinCwd(s.cwd, dest);
  }
  s.out.push(cmd);
  return cmd;
}

/** Walks command and process substitutions inside a word so their commands are analysed too. */
function scanSubstitutions(node: Node, s: WalkState): void {
  if (node.type === 'command_substitution' || node.type === 'process_substitution') {
    substitution(node, s);
    return;
  }
  for (const k of kids(node)) scanSubstitutions(k, s);
}
