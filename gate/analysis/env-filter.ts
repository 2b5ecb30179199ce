import type { SimpleCommand } from './script.js';
import { UNKNOWN } from './script.js';

/** Variable names that hold credentials (and the words a filter hunting for them would use). */
export const SECRET_VAR =
  /TOKEN|SECRET|PASS(WORD|WD)?|_KEY\b|KEY_ID|API_?KEY|PRIVATE|CREDENTIAL|AUTH|SESSION|COOKIE|AWS|GH_|GITHUB|NPM_|DATABASE_URL|_DSN\b|^DSN$|REDIS_URL|MONGO\w*_URI|AMQP_URL/i;

/**
 * Lines of an environment that holds credentials, as `env` prints them: a filter that lets any of them through
 * (`grep =`, `grep .`, `grep WARD`, `grep -i anthropic`) shows the agent a token.
 */
const SECRET_LINES = [
  'WARD_TOKEN=wrd_runner0123456789',
  'WARD_ADMIN_TOKEN=wrd_admin0123456789',
  'ANTHROPIC_API_KEY=sk-ant-api03-abc',
  'OPENAI_API_KEY=sk-proj-abc',
  'GEMINI_API_KEY=AIzaSyAbc',
  'GOOGLE_APPLICATION_CREDENTIALS=/srv/keys/sa.json',
  'AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI',
  'AWS_SESSION_TOKEN=IQoJb3JpZ2lu',
  'GITHUB_TOKEN=ghp_abc',
  'GH_TOKEN=gho_abc',
  'NPM_TOKEN=npm_abc',
  'HF_TOKEN=hf_abc',
  'SLACK_BOT_TOKEN=xoxb-1-2-abc',
  'STRIPE_SECRET_KEY=sk_live_abc',
  'DATABASE_URL=postgres://app:pw@db:5432/app',
  'REDIS_URL=redis://:pw@cache:6379',
  'SENTRY_DSN=https://abc@o1.ingest.sentry.io/1',
  'DB_PASSWORD=hunter2',
  'SECRET_KEY_BASE=abc',
  'CI_JOB_TOKEN=abc',
];

/** The grep (or rg) pattern as a test of one line, or undefined when it cannot be told. */
function lineTest(argv: readonly string[]): ((line: string) => boolean) | undefined {
  const flags = argv
    .slice(1)
    .filter((a) => /^-[a-zA-Z]+$/.test(a))
    .join('');
  const patterns = argv.slice(1).filter((a) => !a.startsWith('-'));
  if (patterns.length !== 1 || /[vfe]/.test(flags)) return undefined;
  const pattern = patterns[0] as string;
  if (pattern.includes(UNKNOWN) || SECRET_VAR.test(pattern)) return undefined;
  // The pattern is the agent's: one that could backtrack for ever (a quantified group holding a quantifier or an
  // alternation, a back-reference) or a long one is not run here, and the filter is not vouched for.
  if (pattern.length > 120 || /\\\d|\([^)]*[*+?{|][^)]*\)\s*[*+?{]/.test(pattern)) return undefined;
  const fixed = argv[0] === 'fgrep' || flags.includes('F');
  let source = fixed ? pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') : pattern;
  // Basic regular expressions: \| \( \) \{ \} are the operators, bare ones are characters.
  if (!fixed && argv[0] === 'grep' && !flags.includes('E') && !flags.includes('P'))
    source = source.replace(/\\([|(){}+?])|([|(){}+?])/g, (_m, op, ch) => (op ? op : `\\${ch}`));
  if (flags.includes('w')) source = `(?<![\\w])(?:${source})(?![\\w])`;
  if (flags.includes('x')) source = `^(?:${source})$`;
  try {
    const re = new RegExp(source, flags.includes('i') ? 'i' : '');
    return (line) => re.test(line);
  } catch {
    return undefined;
  }
}

/**
 * `env | grep ^PATH`: the environment filtered by a static pattern that lets no credential through shows only
 * what it matches. Anything else downstream (a file, a pager, a pattern built at run time, one that matches a
 * token's line) sees every token it lets through.
 */
export function filteredHarmlessly(cmd: SimpleCommand): boolean {
  let next = cmd.pipeTo;
  // Reordering stages show nothing more than the filter after them lets through.
  while (next && /^(sort|uniq|cat|tac)$/.test(next.argv[0] ?? '')) next = next.pipeTo;
  if (!next || !/^(grep|egrep|fgrep|rg)$/.test(next.argv[0] ?? '')) return false;
  const matches = lineTest(next.argv);
  return matches !== undefined && !SECRET_LINES.some(matches);
}
