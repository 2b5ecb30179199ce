import type { Node } from 'web-tree-sitter';
import { decodeAnsiC } from './ansi-c.js';
import { locationOf } from './location-variables.js';
import { foldExpansion } from './parameter-expansion.js';

/** Marks a part of a word only known at run time (a variable we could not resolve, a substitution). */
export const UNKNOWN = '\u0001';

/** Variables whose values the walk knows (a value may hold UNKNOWN parts). */
export type Env = Map<string, string>;

function kids(node: Node): Node[] {
  return node.namedChildren.filter((n): n is Node => n !== null);
}

/** Evaluates a word to text, replacing what is only known at run time with UNKNOWN. */
export function evalWord(node: Node, s: { env: Env }): string {
  switch (node.type) {
    case 'word':
      return unescapeWord(node.text);
    case 'string_content':
      // Inside double quotes a backslash only escapes $ ` " \\ and newline.
      return node.text.replace(DQ_ESCAPE, unescapeOne);
    case 'number':
    case 'heredoc_body':
      return node.text;
    case 'raw_string':
      return node.text.slice(1, -1);
    case 'ansi_c_string':
      return decodeAnsiC(node.text.slice(2, -1));
    case 'string':
    case 'concatenation':
    case 'translated_string': {
      if (node.type === 'string' && node.namedChildCount === 0)
        return node.text.slice(1, -1).replace(DQ_ESCAPE, unescapeOne);
      // The text between the parts is kept: the grammar leaves a string's newlines out of every part, and
      // `bash -c "echo hi` + newline + `cat ~/.ssh/id_rsa"` was read as one `echo` line.
      const quoted = node.type !== 'concatenation';
      const open = node.type === 'translated_string' ? 2 : quoted ? 1 : 0;
      const between = (from: number, to: number) => {
        const gap = node.text.slice(from, to);
        return quoted ? gap.replace(DQ_ESCAPE, unescapeOne) : unescapeWord(gap);
      };
      let out = '';
      let at = open;
      for (const k of kids(node)) {
        const start = k.startIndex - node.startIndex;
        if (start > at) out += between(at, start);
        out += evalWord(k, s);
        at = k.endIndex - node.startIndex;
      }
      const end = node.text.length - (quoted ? 1 : 0);
      if (end > at) out += between(at, end);
      return out;
    }
    case 'simple_expansion':
    case 'expansion': {
      const name = kids(node).find((k) => k.type === 'variable_name' || k.type === 'special_variable_name');
      if (!name)
        return (node.type === 'expansion' ? foldExpansion(node.text, s.env, UNKNOWN) : undefined) ?? UNKNOWN;
      // `${x:=value}` assigns when x is unset or empty: from here on, x is known only at run time.
      if (/^\$\{\w+:?=/.test(node.text)) {
        s.env.set(name.text, UNKNOWN);
        return UNKNOWN;
      }
      const plain = node.type === 'simple_expansion' || node.namedChildCount === 1;
      if (name.text === 'HOME' && plain) return '~';
      // A variable the text did not set that names where credentials live is that place (location-variables.ts).
      const known = s.env.get(name.text) ?? locationOf(name.text);
      if (known !== undefined && plain) return known;
      return (node.type === 'expansion' ? foldExpansion(node.text, s.env, UNKNOWN) : undefined) ?? UNKNOWN;
    }
    case 'command_substitution': {
      // `$(echo text)`: the text, when every word of it is known (`cat $(echo ~/.ssh/id_rsa)`).
      const [only, ...more] = kids(node);
      if (!only || more.length > 0 || only.type !== 'command') return UNKNOWN;
      const words = kids(only).map((k) => evalWord(k, s));
      if (words[0] !== 'echo' || words.some((w, i) => w.includes(UNKNOWN) || (i > 0 && w.startsWith('-'))))
        return UNKNOWN;
      return words.slice(1).join(' ');
    }
    case 'command_name':
      return kids(node)
        .map((k) => evalWord(k, s))
        .join('');
    default:
      return UNKNOWN;
  }
}

function unescapeWord(text: string): string {
  return text.replace(/\\(.)/gs, unescapeOne);
}

/** Inside double quotes a backslash escapes only `$`, a backquote, `"`, `\` and a newline. */
const DQ_ESCAPE = /\\([$`"\\\n])/g;

/** An escaped character as bash reads it: a backslash-newline is removed altogether (a line continuation). */
function unescapeOne(_m: string, c: string): string {
  return c === '\n' ? '' : c;
}

/** Text for humans: run-time parts shown as an ellipsis. */
export function display(text: string): string {
  return text.replaceAll(UNKNOWN, '…');
}

/** A word of plain characters with one brace group of alternatives: prefix, alternatives, suffix. */
const BRACE_GROUP = /^([^'"\\$`{}\s]*)\{([^'"\\$`{}\s]*,[^'"\\$`{}\s]*)\}([^'"\\$`{}\s]*)$/;

/** Nodes that are one word of a command. */
export const WORDS = new Set([
  'word',
  'string',
  'raw_string',
  'concatenation',
  'simple_expansion',
  'expansion',
  'number',
  'ansi_c_string',
  'command_substitution',
]);

/** `{~,}`, `{a,b}c`: the words bash expands one brace group of plain characters into (at most 64). */
export function expandBraces(text: string): string[] | undefined {
  const m = BRACE_GROUP.exec(text);
  const alternatives = m?.[2]?.split(',') ?? [];
  if (!m || alternatives.length > 64) return undefined;
  return alternatives.map((alt) => `${m[1]}${alt}${m[3]}`);
}
