/**
 * Arguments shaped like absolute paths that name no file here: a key-value store's key after a key verb
 * (`etcdctl get /config/app`, `consul kv get /app/db`), a device's side of a push or pull (`adb push x
 * /sdcard/`), and a one-word name given as an option's value that
 * no system has as a top-level directory (Ghostscript's `-dPDFSETTINGS=/ebook`, PostScript names). A
 * top-level directory a system does have (`-dX=/etc`, `--root=/data`) is still a path.
 */
import { INFRA_CLIENTS } from '../catalogue/programs.js';
import type { Call } from './call.js';
import { storageUpload } from './storage-uploads.js';

/** Verbs whose next operand is a key of the store, not a local file. */
const KEY_VERB = /^(?:get|watch|put|set|lock|elect|lease|compare|exists|ttl|type)$/i;
/** Verbs that copy between a local file and the store when another operand is remote (`s3cmd put f s3://b`, `mc put f a/b`). */
const COPY_LIKE = /^(?:put|set)$/i;
/** Top-level directories real systems have (Linux, macOS, containers): a one-word value there is a path. */
const REAL_ROOTS =
  /^(?:etc|proc|sys|usr|var|boot|lib|lib32|lib64|libx32|bin|sbin|root|opt|srv|dev|run|snap|nix|home|Users|Volumes|mnt|media|tmp|private|Library|System|Applications|cores|app|data|config|secrets?|workspace|workspaces|code|src|build|backups?|keys?|certs?|storage|shared|host|output|input|cache|lost\+found)$/i;

/** True when args[i] (an option's `value` when given with one) names something other than a local file. */
export function notAPath(c: Call, i: number, option: string, value: string): boolean {
  const raw = c.args[i] ?? '';
  if (option !== '' && raw.includes('=') && /^\/[A-Za-z][A-Za-z0-9_]*$/.test(value))
    return !REAL_ROOTS.test(value.slice(1));
  if (!INFRA_CLIENTS.has(c.name) || option !== '') return false;
  // `adb push LOCAL REMOTE`, `adb pull REMOTE LOCAL`: the device's side is on the device.
  const words = c.args.map((a, at) => ({ a, at })).filter((w) => !w.a.startsWith('-'));
  const verb = words.findIndex((w) => /^(?:push|pull)$/.test(w.a));
  if (verb >= 0 && words.length - verb >= 3) {
    const remote = words[verb]?.a === 'push' ? words.at(-1) : words[verb + 1];
    if (remote?.at === i) return true;
  }
  const prev = c.args[i - 1] ?? '';
  if (!KEY_VERB.test(prev)) return false;
  // A copy into storage (`s3cmd put f s3://b`, `mc put f alias/b`): the word after `put` is the local file.
  return !(
    COPY_LIKE.test(prev) &&
    (c.args.some((a) => /^[a-z][\w+.-]*:\/\//i.test(a)) || storageUpload(c) !== undefined)
  );
}
