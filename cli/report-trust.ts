import { readFileSync } from 'node:fs';
import { isAbsolute } from 'node:path';

/** What `ward report verify` may trust: named keys, a named data dir, the configured WARD_DATA_DIR. */
export interface TrustSources {
  /** `--pubkey FILE`: public keys (PEM). */
  pubkey?: string[];
  /** `--data DIR`: a data dir named on the command line (its own key and DIR/audit-keys/*.pem). */
  data?: string;
  /** WARD_DATA_DIR, as cli/env.ts read it. */
  envDataDir?: string;
}

/**
 * The public keys a report's signature must come from. Only what the officer names is trusted: --pubkey
 * files, the data dir --data names, or the configured WARD_DATA_DIR when it is an absolute path. Nothing is
 * found implicitly: a `.ward-data` under the current directory may be an agent's (a checkout it wrote, with a
 * private key it made and a report it signed), so its key is a trust anchor only when --data names it; and a
 * relative WARD_DATA_DIR names a directory under the current one, the same thing. When nothing is named, the
 * problem says what to pass.
 */
export async function reportTrustAnchors(s: TrustSources): Promise<{ keys: string[] } | { problem: string }> {
  const { publicKeyFromPem, trustedPublicKeys } = await import('../store/index.js');
  const named = (s.pubkey ?? []).map((p) => publicKeyFromPem(readFileSync(p, 'utf8')));
  const configured = s.envDataDir !== undefined && isAbsolute(s.envDataDir) ? s.envDataDir : undefined;
  const dir = s.data ?? configured;
  if (named.length === 0 && dir === undefined) {
    const relative =
      s.envDataDir !== undefined
        ? ` (WARD_DATA_DIR=${s.envDataDir} is relative, so it names a directory under this one: not trusted implicitly)`
        : '';
    return {
      problem:
        "no trusted key named: pass --pubkey PEM (the server's key, from `ward audit pubkey`) or --data DIR" +
        ` (Ward's data dir), or set WARD_DATA_DIR to its absolute path${relative}. A key found in the current` +
        ' directory (./.ward-data) is never trusted implicitly: whoever wrote this directory could have signed the report with it',
    };
  }
  return { keys: [...new Set([...named, ...(dir !== undefined ? trustedPublicKeys(dir) : [])])] };
}
