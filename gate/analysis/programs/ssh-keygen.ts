/**
 * ssh-keygen, by its modes (ssh-keygen(1)). Making a key (`ssh-keygen -t ed25519 -C me@acme.dev -f
 * ~/.ssh/id_new -N ''`) writes the key file and its `.pub` beside it: it reads no key, and its comment is text
 * in the public half, not a host (ssh-keygen reaches none). Every other mode reads the files it is given and is
 * judged as any program's paths are: `-y -f KEY` prints a private key's public half, `-l` fingerprints, `-p`
 * re-encrypts, `-s CA_KEY` signs with one, `-D` loads a PKCS#11 library (option-table.ts).
 */
import { scanPathArguments } from '../argument-scan.js';
import type { Call, Handler } from '../call.js';
import { report } from '../context.js';
import { touch } from '../effects.js';
import { classifyPath } from '../paths.js';
import { display } from '../script.js';

/** The options of the key-making mode: those that take a value, and plain flags. Any other is another mode. */
const MAKING_VALUE = new Set(['a', 'b', 'C', 'f', 'm', 'N', 'O', 'P', 't', 'w', 'Z']);
const MAKING_FLAG = new Set(['q', 'v']);

/** Names ssh or sshd read by name in ~/.ssh: a key written over one of them changes what they obey. */
const OBEYED = /^(?:authorized_keys2?|config|rc|environment|known_hosts2?)$/;

/**
 * The key file a call makes: its `-f` value, `null` for the default one (in ~/.ssh, which ssh-keygen will not
 * overwrite without asking), or undefined when the call is another mode.
 */
export function keyFileMade(args: readonly string[]): string | null | undefined {
  let file: string | null = null;
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? '';
    if (!a.startsWith('-') || a.length < 2) return undefined;
    for (let j = 1; j < a.length; j++) {
      const letter = a[j] as string;
      if (MAKING_FLAG.has(letter)) continue;
      if (!MAKING_VALUE.has(letter)) return undefined;
      const value = j + 1 < a.length ? a.slice(j + 1) : args[++i];
      if (value === undefined) return undefined;
      if (letter === 'f') file = value;
      break;
    }
  }
  return file;
}

/**
 * ssh-keygen asks before it writes over a file that exists ("Overwrite (y/n)?"), on standard input: fed one
 * (`echo y |`, `<<< y`), it may replace a key that is there.
 */
const stdinFed = (c: Call) =>
  c.cmd.pipeFrom !== undefined ||
  (c.cmd.stdinText ?? '') !== '' ||
  c.cmd.redirects.some((r) => r.op === '<' && r.target !== '/dev/null');

/**
 * A new key's two files, judged where they land: beside the others in ~/.ssh they are a key pair, written in the
 * home's dotfiles (not an account change); over a name ssh or sshd obeys, anywhere else, or perhaps over a
 * key that exists, as any write there.
 */
function writesKey(c: Call, file: string): void {
  const { path } = classifyPath(file, { workspace: c.ctx.workspace, cwd: c.cwd });
  const name = path.slice(path.lastIndexOf('/') + 1);
  if (!/(?:^|\/)\.ssh\/[^/]+$/.test(path) || OBEYED.test(name) || stdinFed(c)) {
    for (const f of [file, `${file}.pub`]) touch(c.ctx, f, 'write', c.cwd);
    return;
  }
  c.ctx.facts.paths.push({ path, access: 'write' });
  report(c.ctx, 'write.home', `ssh-keygen makes a new key ${display(path)}`);
}

const sshKeygen: Handler = (c) => {
  const made = keyFileMade(c.args);
  if (made === undefined) scanPathArguments(c);
  else if (made !== null) writesKey(c, made);
};

/** ssh-keygen judges its own paths (commands.ts skips the generic path scan for FILE_PROGRAMS). */
export const SSH_KEYGEN_PROGRAMS: Record<string, Handler> = { 'ssh-keygen': sshKeygen };
