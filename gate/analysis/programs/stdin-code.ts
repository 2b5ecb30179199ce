/** What an interpreter reads on standard input: text given in the command itself, or another command's output. */
import type { Call } from '../call.js';
import { report } from '../context.js';
import { UNKNOWN } from '../script.js';
import { producedText } from './script-tools.js';

const DOWNLOADERS = /^(curl|wget|fetch|http|aria2c)$/;
const DECODERS = /^(base64|base32|basenc|xxd|openssl|uudecode|gunzip|zcat|rev)$/;

/**
 * The text an interpreter reads on standard input when it is given in the command itself: a here-document or
 * here-string of its own, or one that `cat` (no file operands) passes on through a pipe
 * (`cat <<EOF | bash`).
 */
export function stdinText(c: Call): string | undefined {
  if (c.cmd.stdinText !== undefined) return c.cmd.stdinText;
  const from = c.cmd.pipeFrom;
  const passes = from && from.argv[0] === 'cat' && from.argv.slice(1).every((a) => a === '-');
  return passes ? from.stdinText : undefined;
}

/** What feeds standard input of an interpreter reading a script from a pipe. */
export function stdinSource(c: Call): void {
  let from = c.cmd.pipeFrom;
  // A bare `cat` passes on what it reads: the text comes from the command before it (`echo … | cat | bash`).
  while (from?.argv[0] === 'cat' && from.argv.length === 1 && from.pipeFrom) from = from.pipeFrom;
  if (!from) return;
  const producer = from.argv[0] ?? '';
  const upstream = (cmd = from): string[] =>
    cmd.pipeFrom ? [...upstream(cmd.pipeFrom), cmd.argv[0] ?? ''] : [cmd.argv[0] ?? ''];
  const chain = upstream();
  if (chain.some((p) => DOWNLOADERS.test(p))) {
    report(c.ctx, 'supply.curl-sh', `${chain.join(' | ')} | ${c.name}`);
    report(c.ctx, 'exec.download-pipe', `${producer} output runs in ${c.name}`);
  } else if (chain.some((p) => DECODERS.test(p))) {
    report(c.ctx, 'exec.decode-pipe', `${chain.join(' | ')} | ${c.name}`);
  } else if (producer === 'echo' || producer === 'printf' || producer === 'yes') {
    const text = producedText(from);
    if (text.includes(UNKNOWN)) report(c.ctx, 'exec.dynamic', `${c.name} runs text built at run time`);
    else c.shell(text);
  } else if (producer !== 'cat' || from.argv.length > 1) {
    report(c.ctx, 'exec.dynamic', `${c.name} runs the output of ${producer}`);
  }
}
