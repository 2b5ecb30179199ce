import { WRAPPERS } from '../analysis/programs/interpreters.js';

/* Which commands a grant may cover; apart from grants.ts so the gate's start-up path needs no zod. */

/** The argv prefix a grant would cover: the program and up to one subcommand word. */
export function grantPrefix(argv: readonly string[]): string[] {
  const [program, sub] = argv;
  if (!program) return [];
  return sub && /^[a-z][a-z0-9-]*$/.test(sub) ? [program, sub] : [program];
}

/** Why a prefix may never be granted (interpreters, wrappers), or null when it may. */
export function refuseReason(prefix: readonly string[]): string | null {
  const program = (prefix[0] ?? '').split('/').pop() ?? '';
  if (!program) return 'empty command';
  if (WRAPPERS.has(program) || /^(python|pypy|ruby|perl|php|node|lua)\d*(\.\d+)?$/.test(program))
    return `'${program}' runs other commands or code, so approving it once says nothing about the next use`;
  if (program.includes('=')) return 'commands with environment assignments cannot be granted';
  return null;
}

/** Kinds of risk whose next use runs other code: what the next package installs is that package's own program. */
const INSTALLS = new Set([
  'supply.package-install',
  'supply.system-pkg',
  'supply.untrusted-source',
  'supply.install-elsewhere',
]);

/**
 * Why a command with these kinds of risk may never be granted (it installs packages), or null. A grant for
 * `pip install requests` would let `pip install <any package>` run that package's install code unasked.
 */
export function installRefusal(kinds: Iterable<string>): string | null {
  for (const k of kinds)
    if (INSTALLS.has(k))
      return 'installing a package runs that package’s own code, so approving one says nothing about the next';
  return null;
}
