import { posix } from 'node:path';
import { projectSecretNamed } from './paths.js';
import type { PipedLine } from './script.js';

/**
 * A line a producer prints, when it names a project's secrets file: the file `find START -name PATTERN` finds
 * under START (`find .. -name .env | while read f; do cat "$f"; done` reads other projects' `.env`), or the
 * path that `ls`, `echo` or `printf` is given (`ls ../other/.env | while read f …`, globs too). Other
 * producers' lines stay unknown.
 */
export const foundFileLine: PipedLine = (producer) => {
  const argv = producer.argv;
  const program = posix.basename(argv[0] ?? '');
  if (PRINTS_ITS_PATHS.has(program))
    return argv
      .slice(1)
      .find((a) => !a.startsWith('-') && projectSecretNamed(posix.basename(a)) !== undefined);
  if (program !== 'find') return undefined;
  let i = 1;
  while (/^-[HLP]$/.test(argv[i] ?? '')) i++;
  const first = argv[i];
  const start = first !== undefined && !first.startsWith('-') && first !== '(' && first !== '!' ? first : '.';
  for (let j = i; j < argv.length; j++) {
    if (!/^-i?(name|path|wholename)$/.test(argv[j] ?? '')) continue;
    const secret = projectSecretNamed(posix.basename(argv[j + 1] ?? ''));
    if (secret) return `${start.replace(/\/+$/, '')}/${secret}`;
  }
  return undefined;
};

/** Programs whose output lines are the paths they are given. */
const PRINTS_ITS_PATHS = new Set(['ls', 'echo', 'printf', 'realpath', 'readlink']);
