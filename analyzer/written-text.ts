import { type AgentEvent, WRITE_ARGUMENTS } from '../schema/index.js';

/**
 * What a write wrote, when the telemetry says it whole: a file tool's argument, or a shell line that is nothing
 * but a literal written to one file (`echo 'npx lint-staged' > .husky/pre-commit`, `cat > f <<'EOF' … EOF`).
 * '' when it does not (no content logging, an argument cut short, several edits in one call, anything computed,
 * expanded or fetched): rules read '' as unknown, never as harmless.
 */

/** Where agents put a file tool's arguments (Claude Code, Gemini CLI, Codex, GenAI spans). */
const ARG_ATTRIBUTES = [
  WRITE_ARGUMENTS,
  'tool_input',
  'function_args',
  'arguments',
  'gen_ai.tool.call.arguments',
];
/** The written text inside those arguments: a whole file, an edit's new text, a patch. */
const CONTENT_KEYS = ['content', 'new_string', 'new_source', 'input', 'patch'];

/** A tool call's exported arguments, each attribute that holds them parsed (none when not exported). */
export function* toolArguments(e: AgentEvent): Generator<Record<string, unknown>> {
  for (const name of ARG_ATTRIBUTES) {
    const raw = e.attributes[name];
    if (!raw) continue;
    let args: unknown;
    try {
      args = JSON.parse(raw);
    } catch {
      continue;
    }
    if (args && typeof args === 'object' && !Array.isArray(args)) yield args as Record<string, unknown>;
  }
}

/** A file tool's written text, from its exported arguments ('' when not exported). */
export function writtenContent(e: AgentEvent): string {
  for (const args of toolArguments(e))
    for (const key of CONTENT_KEYS) {
      const v = args[key];
      if (typeof v === 'string') return v;
    }
  return '';
}

/** One shell word that is only text: single-quoted, double-quoted without expansion or escapes, or plain. */
const WORD = /^(?:'([^']*)'|"([^"$`\\]*)"|([\w./:@%+=,~-]+))/;
/** A here-document into one file, the delimiter quoted (no expansion) or the body free of `$`, backquotes and `\`. */
const HEREDOC =
  /^\s*cat\s+(?:>\s*([\w./~@+-]+)\s*<<-?\s*(['"]?)(\w+)\2|<<-?\s*(['"]?)(\w+)\4\s*>\s*([\w./~@+-]+))[ \t]*\n([\s\S]*?)\n[ \t]*(\w+)\s*$/;
/** Text whose escapes a shell's echo or printf would turn into other characters (`\x63`, `\143`, `\u…`). */
const ESCAPES = /\\(?![nt])/;

/** The words and the one output redirection of a line made only of plain words, or undefined. */
function plainWords(line: string): { words: string[]; append: boolean; target: string } | undefined {
  const words: string[] = [];
  let rest = line.trim();
  let target: string | undefined;
  let append = false;
  while (rest !== '') {
    const redirect = /^(>>?)\s*/.exec(rest);
    if (redirect) {
      if (target !== undefined) return undefined;
      rest = rest.slice(redirect[0].length);
      const t = WORD.exec(rest);
      if (!t) return undefined;
      target = t[1] ?? t[2] ?? t[3] ?? '';
      append = redirect[1] === '>>';
      rest = rest.slice(t[0].length).trimStart();
      continue;
    }
    if (target !== undefined) return undefined;
    const w = WORD.exec(rest);
    // A word glued to a redirection (`2>f`) names a file descriptor, not text.
    if (!w || (w[3] !== undefined && /^\d+$/.test(w[3]) && rest[w[0].length] === '>')) return undefined;
    words.push(w[1] ?? w[2] ?? w[3] ?? '');
    rest = rest.slice(w[0].length);
    if (rest !== '' && !/^\s|^>/.test(rest)) return undefined;
    rest = rest.trimStart();
  }
  return target === undefined || target === '' ? undefined : { words, append, target };
}

/** The text a shell line writes to one file when the whole line is a literal written there; '' otherwise. */
export function shellWrittenText(command: string): string {
  const doc = HEREDOC.exec(command);
  if (doc) {
    const quoted = (doc[2] ?? doc[4] ?? '') !== '';
    const delim = doc[3] ?? doc[5] ?? '';
    const body = doc[7] ?? '';
    if (doc[8] !== delim || (!quoted && /[$`\\]/.test(body))) return '';
    return `${body}\n`;
  }
  const line = plainWords(command);
  if (!line) return '';
  const [program, ...args] = line.words;
  if (program === 'echo') {
    let newline = true;
    let escapes = false;
    while (/^-[neE]+$/.test(args[0] ?? '')) {
      const flags = args.shift() as string;
      if (flags.includes('n')) newline = false;
      if (flags.includes('e')) escapes = true;
    }
    const text = args.join(' ');
    if (ESCAPES.test(text)) return '';
    const out = escapes ? text.replaceAll('\\n', '\n').replaceAll('\\t', '\t') : text;
    return newline ? `${out}\n` : out;
  }
  if (program === 'printf' && args.length === 1) {
    const format = args[0] as string;
    if (ESCAPES.test(format) || format.includes('%')) return '';
    return format.replaceAll('\\n', '\n').replaceAll('\\t', '\t');
  }
  return '';
}

/** What an action wrote, when known: a file tool's content, or a shell line's literal; '' when unknown. */
export function writtenText(e: AgentEvent, actionClass: string): string {
  if (actionClass === 'write') return writtenContent(e);
  if (actionClass === 'exec') return shellWrittenText(e.command);
  return '';
}
