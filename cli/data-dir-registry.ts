import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';

/** At most this many data dirs are remembered (the newest), so the file stays small whatever happens. */
const MAX_ENTRIES = 64;

/** The file in which `ward serve` records where its data lives, for every later sandbox to hide. */
export function registryPath(home: string): string {
  return join(home, '.ward', 'data-dirs');
}

/**
 * Every data dir `ward serve` used on this account (absolute paths, newest last). A server started with
 * `--data /srv/ward` outside the workspace, the home directory and WARD_DATA_DIR is otherwise visible to a
 * sandbox (the system is bound read-only), admin token and signing keys included.
 */
export function knownDataDirs(home: string): string[] {
  let text: string;
  try {
    text = readFileSync(registryPath(home), 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && isAbsolute(l))
    .slice(-MAX_ENTRIES);
}

/** Records `dataDir` (once) before the server starts; a failure is reported, never fatal. */
export function recordDataDir(home: string, dataDir: string): string | null {
  const abs = resolve(dataDir);
  try {
    const known = knownDataDirs(home).filter((d) => d !== abs);
    mkdirSync(join(home, '.ward'), { recursive: true, mode: 0o700 });
    const file = registryPath(home);
    writeFileSync(file, `${[...known, abs].slice(-MAX_ENTRIES).join('\n')}\n`, { mode: 0o600 });
    chmodSync(file, 0o600);
    return null;
  } catch (err) {
    return `could not record the data dir in ${registryPath(home)} (sandboxes may not hide it unless WARD_DATA_DIR names it): ${(err as Error).message}`;
  }
}
