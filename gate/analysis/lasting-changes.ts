/**
 * Behaviour judged whatever the program, for changes that outlast the command: a key added to an account,
 * code installed on a device or into a tool, the project's files published elsewhere, and where packages come
 * from. Each rule is about the shape of the command (its subcommand words, options, operands and the file
 * it writes), so a client nobody modelled is judged like the ones that were.
 */
import { INFRA_CLIENTS } from '../catalogue/programs.js';
import { addsAccountKey } from './account-keys.js';
import { DATA_ARGS } from './argument-scan.js';
import { type Call, operands } from './call.js';
import { installsElsewhere } from './installs-elsewhere.js';
import { changesPackageSource, PACKAGE_CONFIG } from './package-sources.js';
import { publishesFiles } from './publishes.js';

/** Programs that copy to their last operand. */
const COPIES = /^(?:cp|mv|install|ln|rsync|ditto|tee)$/;

/** Flags that edit the files given in place (`sed -i`, `perl -pi`, `-i.bak`, `--in-place`). */
const IN_PLACE = /^-[a-zA-Z]*i[\w.]*$|^--in-place(?:=|$)/;

/** The file this call writes, if it names one: its output redirect, a copy's destination, a file edited in place. */
function writeTarget(c: Call): string | undefined {
  const r = c.cmd.redirects.find((x) => x.op.includes('>') && !x.op.includes('&') && x.fd !== '2');
  if (r) return r.target;
  if (c.args.some((a) => IN_PLACE.test(a))) return operands(c.args).find((o) => PACKAGE_CONFIG.test(o));
  if (!COPIES.test(c.name)) return undefined;
  const ops = operands(c.args, ['-t', '--target-directory', '-m', '--mode', '-o', '-g', '-S']);
  return c.name === 'tee' ? ops[0] : ops.length >= 2 ? ops.at(-1) : undefined;
}

/** The text the call writes when the command line shows it (echo, printf, a here-document); else undefined. */
function shownText(c: Call): string | undefined {
  if (c.name === 'echo' || c.name === 'printf')
    return c.args
      .filter((a) => !/^-[neE]+$/.test(a))
      .join(' ')
      .replace(/\\(n|t)/g, (_m, e: string) => (e === 'n' ? '\n' : '\t'));
  if ((c.name === 'cat' || c.name === 'tee') && c.args.every((a) => a.startsWith('-') || c.name === 'tee'))
    return (
      c.cmd.stdinText ??
      (c.cmd.pipeFrom?.argv[0] === 'echo' ? c.cmd.pipeFrom.argv.slice(1).join(' ') : undefined)
    );
  return undefined;
}

/** Judges one call for the lasting changes above. */
export function judgeLastingChanges(c: Call): void {
  const target = writeTarget(c);
  // A copy, a download or a file's contents written there: what lands in the file is not on the command line.
  const copied =
    COPIES.test(c.name) ||
    c.name === 'cat' ||
    c.args.some((a) => IN_PLACE.test(a) || /^[a-z][\w+.-]*:\/\//i.test(a));
  changesPackageSource(c, target, target === undefined ? undefined : shownText(c), copied);
  if (DATA_ARGS.has(c.name)) return;
  addsAccountKey(c);
  installsElsewhere(c);
  publishesFiles(c, INFRA_CLIENTS.has(c.name));
}
