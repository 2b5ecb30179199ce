import type { Node } from 'web-tree-sitter';
import { hereDocDelimiter } from './parser-input.js';

/**
 * Bash ends a here-document at the first line that is its delimiter (bash 5.2 also at `DELIM)` inside `$(…)`),
 * even where the grammar, inside an unclosed `$(echo "` or `${x#` of the body, reads on: the lines after that
 * one are commands bash runs.
 */
export function afterHereDocEnd(redirect: Node, body: Node): string | undefined {
  const start = redirect.namedChildren.find((k) => k?.type === 'heredoc_start')?.text ?? '';
  const delimiter = hereDocDelimiter(start);
  if (!delimiter) return undefined;
  const lines = body.text.split('\n');
  const stripTabs = /^<<-/.test(redirect.text);
  const at = lines.findIndex((line, i) => {
    const l = stripTabs ? line.replace(/^\t+/, '') : line;
    return (
      i < lines.length - 1 &&
      (l === delimiter || l.startsWith(`${delimiter})`) || l.startsWith(`${delimiter}\``))
    );
  });
  if (at < 0) return undefined;
  // What follows the delimiter on its line (`EOF)@`, closing the substitution) runs too.
  const line = lines[at] as string;
  const tail = line.slice(line.indexOf(delimiter) + delimiter.length + 1);
  return [tail, ...lines.slice(at + 1)].join('\n');
}
