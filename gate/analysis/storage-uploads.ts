/**
 * Local files sent to object storage, read as each client reads its words (storage-clients.ts): a copy whose
 * destination is in storage and one of whose sources is here, standard input streamed to storage, a file named
 * by an upload option or position. Where an option the tables do not know leaves a word either way
 * (option-readings.ts), the riskier reading is the one judged. A client without a table (the rest of
 * INFRA_CLIENTS) is judged by the shape of its words: a copy verb among its first subcommand words, a local
 * path among the operands after it and a place (`remote:b`, `alias/b`, `s3://b`) as the last.
 */
import type { Call } from './call.js';
import { canBeOperand, matchPath, type ReadWord, readWords } from './option-readings.js';
import { type Place, type Shape, STORAGE_CLIENTS } from './storage-clients.js';

/** What a call sends, and where. */
export interface Upload {
  source: string;
  destination: string;
}

const maybeHere = (p: Place) => p === 'local' || p === 'either';
const maybeThere = (p: Place) => p === 'remote' || p === 'either';

/**
 * `SRC… DST`, in the riskiest reading: a last operand that can be in storage and, before it, a source that can
 * be here. A destination surely in storage is preferred to one that only may be, for the reason's sake.
 */
function copied(words: readonly ReadWord[], place: (w: string) => Place): Upload | undefined {
  const ops = words.filter(canBeOperand);
  let maybe: Upload | undefined;
  for (let j = ops.length - 1; j > 0; j--) {
    const dest = ops[j] as ReadWord;
    const there = place(dest.word);
    const source = maybeThere(there) ? ops.slice(0, j).find((w) => maybeHere(place(w.word))) : undefined;
    if (source) {
      const found = { source: source.word, destination: dest.word };
      if (there === 'remote') return found;
      maybe ??= found;
    }
    // A word that is surely an operand is the last one: no word before it can be the destination.
    if (dest.role === 'operand') break;
  }
  return maybe;
}

function judge(shape: Shape, words: readonly ReadWord[], place: (w: string) => Place): Upload | undefined {
  const ops = words.filter(canBeOperand);
  switch (shape.kind) {
    case 'copy':
      return copied(words, place) ?? (shape.bothWays ? copied([...words].reverse(), place) : undefined);
    case 'stdin': {
      const dest = ops.find((w) => maybeThere(place(w.word)));
      return dest && { source: 'standard input', destination: dest.word };
    }
    case 'source-option': {
      const file = words.find(
        (w) => w.option && shape.options.includes(w.option) && maybeHere(place(w.word)),
      );
      return file && { source: file.word, destination: 'storage' };
    }
    case 'source-operand': {
      const file = ops.slice(shape.at).find((w) => maybeHere(place(w.word)));
      return file && { source: file.word, destination: ops[0]?.word ?? 'storage' };
    }
  }
}

/** Verbs of a client without a table that copy their first operand to their last. */
const COPY_VERB = /^(?:cp|copy|copyto|sync|mirror|put|upload|moveto|mv|move)$/i;
/** A local path: `.`, `./x`, `../x`, `/x`, `~/x` (a bare word is as often a remote alias). */
const LOCAL = /^(?:\.{1,2}(?:\/.*)?|\/.*|~(?:\/.*)?)$/;
/** A place named by a client without a table: `remote:b`, `alias/b`, `s3://b` (not a value: `put /k on`). */
const shapePlace = (w: string): Place => (LOCAL.test(w) ? 'local' : /[/:]/.test(w) ? 'remote' : 'neither');

/** A client without a table: every option read both ways, the copy verb among the first three subcommand words. */
function byShape(args: readonly string[]): Upload | undefined {
  const words = readWords(args, []);
  let surely = 0;
  for (let n = 0; n < words.length; n++) {
    const w = words[n] as ReadWord;
    if (COPY_VERB.test(w.word)) return copied(words.slice(n + 1), shapePlace);
    if (w.role === 'operand' && ++surely >= 3) return undefined;
  }
  return undefined;
}

/** The local files a storage client's call sends to storage, if it sends any. */
export function storageUpload(c: Call): Upload | undefined {
  const client = STORAGE_CLIENTS[c.name];
  if (!client) return byShape(c.args);
  const stopAtOperand = client.stopAtOperand === true;
  const head = readWords(c.args, [client.global], { stopAtOperand });
  for (const command of client.commands) {
    const from = matchPath(head, command.path);
    if (from < 0) continue;
    const words = readWords(c.args, [client.global, command.options], { from, stopAtOperand });
    const found = judge(command.shape, words, client.place);
    if (found) return found;
  }
  return undefined;
}
