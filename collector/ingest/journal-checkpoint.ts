import { createHmac, timingSafeEqual } from 'node:crypto';
import { open, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { NotRegularFileError, readRegularFile } from './read-regular.js';

/** The journal's marks: the next sequence number, and per table the highest one whose rows are stored. */
export interface Checkpoint {
  next: number;
  stored: Record<string, number>;
}

const FILE = 'checkpoint';
const EMPTY: Checkpoint = { next: 1, stored: {} };

const mac = (key: Buffer, text: string) =>
  createHmac('sha256', key).update('ward-journal-checkpoint-v1\0').update(text).digest('hex');

/**
 * Reads the marks. Missing, unsigned or altered marks count as none: every record in the journal is stored
 * again (repeats, never losses), since a planted mark saying "all stored" would make replay skip rows.
 */
export async function readCheckpoint(
  dir: string,
  key: Buffer,
  log: (msg: string) => void,
): Promise<Checkpoint> {
  let text: string;
  try {
    text = (await readRegularFile(join(dir, FILE), 64 * 1024)).toString('utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return EMPTY;
    if (!(err instanceof NotRegularFileError)) throw err;
    text = '';
  }
  const nl = text.indexOf('\n');
  const body = text.slice(nl + 1);
  const want = Buffer.from(mac(key, body), 'hex');
  const got = Buffer.from(text.slice(0, Math.max(0, nl)), 'hex');
  if (nl < 0 || got.length !== want.length || !timingSafeEqual(got, want)) {
    log('journal: checkpoint not signed by this server: every journal record is stored again');
    return EMPTY;
  }
  const parsed = JSON.parse(body) as Partial<Checkpoint>;
  const stored: Record<string, number> = {};
  for (const [t, v] of Object.entries(parsed.stored ?? {}))
    if (Number.isSafeInteger(v) && v >= 0) stored[t] = v;
  const next = Number.isSafeInteger(parsed.next) && (parsed.next as number) > 0 ? (parsed.next as number) : 1;
  return { next, stored };
}

/** Writes the marks durably: a signed temp file, fsynced, renamed over the old one. */
export async function writeCheckpoint(dir: string, key: Buffer, cp: Checkpoint): Promise<void> {
  const body = JSON.stringify(cp);
  const tmp = join(dir, `.${FILE}.tmp`);
  const fh = await open(tmp, 'w', 0o600);
  try {
    await fh.writeFile(`${mac(key, body)}\n${body}`);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, join(dir, FILE));
}
