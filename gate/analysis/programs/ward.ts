/**
 * Ward's own CLI run by the agent. Its admin commands take their token from `WARD_ADMIN_TOKEN` or the admin
 * token Ward keeps on disk, not from the runner token the agent was given: an agent that runs `ward approvals
 * approve` decides its own ask with an analyst's authority, and one that runs `ward token create` mints it.
 * Found wherever the CLI is started: `ward`, `node bin/ward.mjs`, `npx ward`, `yarn ward`, `bun run ward`,
 * `tsx cli/ward.ts`, `node -r x node_modules/.bin/ward`, or its words written into a script.
 */
import { KNOWN_PROGRAMS } from '../../catalogue/programs.js';
import { type AnalysisContext, report } from '../context.js';
import { UNKNOWN } from '../script.js';

/** Subcommands that change what Ward decides or records: approvals, alert triage, tokens, the agents' hooks. */
const CHANGES = /^(approvals\s+(?!list\b)\S|alerts\s+(?!(list|show)\b)\S|token\b|install\b)/;
/** Subcommands that only read, but with the admin or an analyst token taken from disk. */
const READS_AS_ADMIN = /^(approvals|alerts|report|audit|analyze)\b/;
/** The words of Ward's deciding and minting commands, whatever program is given them. */
const ADMIN_VERBS = /^(?:approvals\s+(?:approve|deny)|token\s+(?:create|revoke))\s+\S/;
/** The flags of Ward's `token create`: another program's `token` subcommand that takes them is Ward. */
const WARD_TOKEN_FLAG = /^--(?:role|name)(?:=|$)/;
/** The CLI itself: the command, its bin link, its entry scripts. */
const WARD_ENTRY = /(^|\/)(ward|ward\.m?js|ward\.ts)$/;
/** Programs that start another program named among their arguments (runtimes, package runners, wrappers). */
const STARTERS =
  /^(node|nodejs|npx|npm|yarn|pnpm|pnpx|bun|bunx|tsx|ts-node|deno|exec|env|command|builtin|nohup|timeout|nice|sudo|doas|xargs|time|stdbuf|setsid|watch|parallel|corepack)$/;
/** The same words written into a file that a later command runs. */
export const WARD_ADMIN_TEXT =
  /(?:^|[\s;&|(`'"/]|\\n)ward(?:\.m?[jt]s)?\s+(?:approvals\s+(?:approve|deny)|alerts\s+(?:ack|resolve|triage|assign|note)|token\s+(?:create|revoke)|install)\b/;

/** Judges the CLI's arguments once it is found in `argv` (directly, or after a runtime or a runner). */
export function wardInArgv(ctx: AnalysisContext, argv: readonly string[]): void {
  const name = (argv[0] ?? '').replace(/^.*\//, '');
  const start = WARD_ENTRY.test(argv[0] ?? '')
    ? 0
    : STARTERS.test(name)
      ? argv.findIndex((a, i) => i > 0 && WARD_ENTRY.test(a))
      : -1;
  if (start < 0) {
    // The CLI under another name (`cp bin/ward.mjs x.mjs && node x.mjs …`, a symlink): its admin verbs still say
    // what it is.
    const at = argv.findIndex((_a, i) => i > 0 && ADMIN_VERBS.test(firstWords(argv, i)));
    if (at <= 0) return;
    // A catalogued program's own `token` subcommand (`vault token create`, `npm token create`) mints a credential
    // of its own: that asks; revoking one (`npm token revoke ID`) takes access away and leaves no way in. Ward's
    // own flags (`--role`, `--name`), its approval words, a path, an unknown name or a script before the words
    // are taken for Ward's CLI (a copy the agent named `vault` and put on PATH).
    const own =
      at === 1 &&
      !(argv[0] ?? '').includes('/') &&
      KNOWN_PROGRAMS.has(name) &&
      argv[1] === 'token' &&
      !argv.some((a) => WARD_TOKEN_FLAG.test(a));
    if (own && argv[2] === 'revoke') return;
    report(
      ctx,
      own ? 'persist.account' : 'evade.ward-admin',
      `${name} ${argv.slice(at).join(' ')}`.slice(0, 100),
    );
    return;
  }
  const args = argv.slice(start + 1);
  // `xargs ward < args.txt`: its arguments arrive on standard input.
  if (name === 'xargs') {
    report(ctx, 'read.agent-credentials', 'ward with arguments read from standard input');
    return;
  }
  const text = args.join(' ');
  if (CHANGES.test(text)) report(ctx, 'evade.ward-admin', `ward ${text}`.slice(0, 100));
  else if (READS_AS_ADMIN.test(text)) report(ctx, 'read.agent-credentials', `ward ${text}`.slice(0, 100));
  else if (args.some((a) => a.includes(UNKNOWN)))
    report(ctx, 'read.agent-credentials', 'ward with arguments known only at run time');
}

/**
 * `argv.slice(i).join(' ')` as far as ADMIN_VERBS reads it: to its third word. Joining the whole rest for every
 * `i` was quadratic (a 60 KB `echo` took the gate seconds). Arguments are joined with a space, so no word spans two.
 */
function firstWords(argv: readonly string[], i: number): string {
  let j = i;
  for (let words = 0; j < argv.length && words < 3; j++)
    words += /\S+(?:\s+\S+){0,2}/.exec(argv[j] ?? '')?.[0].split(/\s+/).length ?? 0;
  return argv.slice(i, j).join(' ');
}

/** Code that loads the CLI itself (`import('./dist/cli/ward.js')` after setting `process.argv`). */
export const WARD_IMPORT =
  /(?:import|require)\s*\(\s*['"`][^'"`]*(?:bin\/ward\.mjs|cli\/ward(?:\.[jt]s)?)['"`]/;
