import type { Node } from 'web-tree-sitter';
import type { Redirect, SimpleCommand } from './simple-command.js';

// Redirects as bash reads them, where the grammar's tree says otherwise (script.ts reads the rest).

/**
 * What a redirect leaves on standard input: '' for `</dev/null` (empty), undefined for anything else read from
 * (a file, a descriptor, a process substitution: unknown text), null when it does not touch fd 0.
 */
export function stdinFrom(red: Redirect): string | undefined | null {
  const fd0 = red.fd === '' ? red.op.startsWith('<') : red.fd === '0';
  if (!fd0) return null;
  return red.op === '<' && red.target === '/dev/null' ? '' : undefined;
}

export function setStdin(cmd: SimpleCommand, text: string | undefined): void {
  if (text === undefined) delete cmd.stdinText;
  else cmd.stdinText = text;
}

/**
 * tree-sitter-bash reads the descriptor of some redirects (`bash 0</dev/null 0<&3`) as a number word of what
 * comes before (an argument, or a destination of the previous redirect) and gives the redirect none: bash
 * reads `0<` as one token. A number word that ends where a redirect starts is that redirect's descriptor.
 */
export function isGluedDescriptor(word: Node, next: Node | null): boolean {
  return (
    word.type === 'number' &&
    next !== null &&
    next.type === 'file_redirect' &&
    word.endIndex === next.startIndex &&
    next.childForFieldName('descriptor') === null
  );
}

/** The descriptor glued to this redirect that the grammar put in the node before it (see isGluedDescriptor). */
export function gluedDescriptor(node: Node): string | undefined {
  const prev = node.previousSibling;
  if (!prev) return undefined;
  // The word is the last leaf before the redirect: an argument of the command, or a previous redirect's word.
  let leaf: Node | null = prev;
  while (leaf && leaf.type !== 'number' && leaf.childCount > 0) leaf = leaf.lastChild;
  return leaf && isGluedDescriptor(leaf, node) ? leaf.text : undefined;
}
