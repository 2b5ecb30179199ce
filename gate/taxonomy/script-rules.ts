import { t } from './entry.js';

/** Findings about a script written by one command and run by a later one (see gate/analysis/script-written.ts). */
export const SCRIPT_RULES = {
  // As risky as its commands typed, but never a deny: writing is not running.
  'exec.script-written': t(
    'execution',
    'T1059.004',
    0.85,
    'writes a script, build file or package script whose commands would be refused or asked about in any mode',
  ),
  'exec.script-written-ask': t(
    'execution',
    'T1059.004',
    0.5,
    'writes a script, build file or package script with commands that would be asked about if typed',
  ),
  // A script a command runs, read as it is now: its commands typed, asked about, whatever wrote it.
  'exec.script-run': t(
    'execution',
    'T1059.004',
    0.85,
    'runs a script whose commands would be refused or asked about in any mode if typed',
  ),
  'exec.script-run-ask': t(
    'execution',
    'T1059.004',
    0.5,
    'runs a script with commands that would be asked about if typed',
  ),
} as const;
