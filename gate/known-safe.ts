import type { Analysis } from './analysis/index.js';

/** Programs that only look (strict mode allows them without asking when nothing else is found). */
const SAFE = new Set([
  'ls',
  'cat',
  'head',
  'tail',
  'grep',
  'egrep',
  'fgrep',
  'rg',
  'wc',
  'sort',
  'uniq',
  'cut',
  'tr',
  'echo',
  'printf',
  'pwd',
  'true',
  'false',
  'test',
  '[',
  'stat',
  'file',
  'du',
  'df',
  'date',
  'which',
  'type',
  'basename',
  'dirname',
  'realpath',
  'readlink',
  'diff',
  'cmp',
  'tree',
  'find',
  'less',
  'more',
  'nl',
  'md5sum',
  'sha256sum',
  'seq',
  'sleep',
  'whoami',
  'id',
  'uname',
  'hostname',
  'env',
  'printenv',
  'cd',
  'git',
]);

/** Strict mode: every command a read-only look (the safe programs, git's read verbs, find without actions). */
export function knownSafe(analysis: Analysis | null): boolean {
  if (!analysis || analysis.findings.length > 0) return false;
  return (
    analysis.facts.argvs.every((argv) => {
      const p = argv[0] ?? '';
      if (p === 'git') return /^(status|log|diff|show|branch|rev-parse|ls-files|blame)$/.test(argv[1] ?? '');
      if (p === 'find') return !argv.some((a) => /^-(exec|execdir|ok|okdir|delete|fprint)/.test(a));
      return SAFE.has(p);
    }) && analysis.facts.paths.every((p) => p.access === 'read')
  );
}
