import { randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, unlinkSync } from 'node:fs';
import { unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * RowBinary payloads go to the engine's thread as files in its private directory, not as messages: a message
 * is a copy of the payload held on that thread until its insert (up to the bulk budget, 64 MiB), while the
 * main thread keeps its own for retry or spool. The main thread writes the file through the libuv pool without
 * copying; the engine reads it with file() and removes it.
 */
const PAYLOAD_FILE = /^payload-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.rowbinary$/;
/** The engine thread's bound-parameter files (store/engine/worker.ts), left behind by a process that died. */
const PARAMS_FILE = /^params-[0-9a-f-]{36}\.json$/;

/** A payload file's name: only names of this shape are read, so a message cannot point the engine elsewhere. */
export function isPayloadFile(name: string): boolean {
  return PAYLOAD_FILE.test(name);
}

/** Writes `payload` to a new owner-only file in `dir` (never an existing one); returns its name. */
export async function writePayloadFile(dir: string, payload: Uint8Array): Promise<string> {
  const name = `payload-${randomUUID()}.rowbinary`;
  try {
    await writeFile(join(dir, name), payload, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    // A write that failed part way (a full disk) leaves no file behind; the caller retries or spools.
    await unlink(join(dir, name)).catch(() => {});
    throw err;
  }
  return name;
}

export async function removePayloadFile(dir: string, name: string): Promise<void> {
  if (isPayloadFile(name)) await unlink(join(dir, name)).catch(() => {});
}

/** Creates `dir` (owner only) and removes the payload and parameter files a stopped process left in it. */
export function preparePayloadDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  for (const name of readdirSync(dir))
    if (PAYLOAD_FILE.test(name) || PARAMS_FILE.test(name)) unlinkSync(join(dir, name));
}
