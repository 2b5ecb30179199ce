import { posix } from 'node:path';
import { projectSecretNamed } from './paths.js';
import type { PipedLine } from './script.js';

/**
 * A line of `find START -name PATTERN`'s output, when PATTERN names a project's secrets file: that file under
 * START (`find .. -name .env | while read f; do cat "$f"; done` reads other projects' `.env`). Other
 * producers' lines stay unknown.
 */
export const foundFileLine: PipedLine = (producer) => {
  const argv = producer.argv;
  if (posix.basename(argv[0] ?? '') !== 'find') return undefined;
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
