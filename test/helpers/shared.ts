import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * The read-only ../shared folder beside the checkout (evaluation set, real agent captures). A clone without it
 * still runs the suite: tests that need it are declared with `describe.runIf(haveShared(...))` and their title
 * says "(needs ../shared)", so the skip shows with its reason.
 */
export const SHARED_DIR = resolve(import.meta.dirname, '..', '..', '..', 'shared');

/** A path inside ../shared. */
export const sharedPath = (...parts: string[]): string => join(SHARED_DIR, ...parts);

/** Whether that path exists (a missing ../shared is reported once on stderr). */
export function haveShared(...parts: string[]): boolean {
  const ok = existsSync(sharedPath(...parts));
  if (!ok) process.stderr.write(`skipping: ${sharedPath(...parts)} is absent (tests that need ../shared)\n`);
  return ok;
}

/** The agents' real OTLP captures. */
export const AGENT_FIXTURES = sharedPath('fixtures', 'agents');
/** The labelled shell-command evaluation set. */
export const DEV_SET = sharedPath('eval', 'dev.jsonl');
