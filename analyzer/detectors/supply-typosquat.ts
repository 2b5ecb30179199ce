import { NO_HITS, type StreamDetector } from '../detector.js';
import { cutCommandStart, MAX_WORDS } from '../facts-bounds.js';

/** Said as the name of a package when an install's list goes on past what the facts kept. */
const UNREAD = '…[not read]';

/**
 * Widely used package names per ecosystem (data: the names a typosquat imitates). A name one edit away from one
 * of these, and not itself on the list, is what a typosquat looks like.
 */
const POPULAR: Readonly<Record<'npm' | 'pypi', readonly string[]>> = {
  npm: (
    'react react-dom preact lodash axios express chalk commander debug moment request typescript webpack jquery ' +
    'eslint prettier mocha dotenv yargs async underscore bluebird body-parser mongoose redis mysql mysql2 ' +
    'sequelize socket.io node-fetch cross-env rimraf minimist semver colors color inquirer nodemon vite vitest ' +
    'tailwindcss esbuild rollup electron puppeteer date-fns dayjs classnames styled-components graphql ' +
    'jsonwebtoken bcrypt bcryptjs passport helmet morgan multer nodemailer aws-sdk firebase stripe twilio ' +
    'openai discord.js crypto-js coffee-script uglify-js babel-cli zod prisma knex ioredis winston pino ' +
    'nanoid chokidar fs-extra mkdirp superagent cheerio marked highlight.js three d3 rxjs immer redux ' +
    'react-redux react-router react-router-dom next nuxt svelte angular'
  ).split(' '),
  pypi: (
    'requests numpy pandas scipy matplotlib django flask fastapi urllib3 setuptools boto3 botocore ' +
    'python-dateutil pyyaml certifi idna charset-normalizer cryptography pillow jinja2 click pytest ' +
    'tensorflow torch scikit-learn beautifulsoup4 selenium sqlalchemy psycopg psycopg-binary psycopg2 ' +
    'psycopg2-binary pymongo redis celery colorama tqdm openai pydantic httpx aiohttp attrs lxml paramiko ' +
    'pyjwt python-dotenv uvicorn ' +
    'gunicorn werkzeug keras xgboost lightgbm seaborn plotly transformers huggingface-hub datasets ' +
    'opencv-python pyarrow polars black ruff mypy flake8 isort poetry virtualenv pip wheel twine docker ' +
    'kubernetes google-cloud-storage azure-storage-blob'
  ).split(' '),
};
const KNOWN = { npm: new Set(POPULAR.npm), pypi: new Set(POPULAR.pypi) };

/** Optimal string alignment distance (edits and adjacent swaps), stopping early above 1. */
function withinOneEdit(a: string, b: string): boolean {
  if (Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  const ra = a.slice(i);
  const rb = b.slice(i);
  if (ra.slice(1) === rb.slice(1) || ra.slice(1) === rb || ra === rb.slice(1)) return true;
  return ra.length > 1 && ra[0] === rb[1] && ra[1] === rb[0] && ra.slice(2) === rb.slice(2);
}

const INSTALL: readonly { re: RegExp; eco: 'npm' | 'pypi' }[] = [
  { re: /^(npm|pnpm|yarn|bun)$/, eco: 'npm' },
  { re: /^(pip|pip3|uv|poetry|pipx|pipenv)$/, eco: 'pypi' },
];
const INSTALL_VERB = new Set(['install', 'i', 'add', 'isntall']);
/** A package argument's bare name: no version, extras or scope-less path. */
const nameOf = (arg: string) =>
  arg
    .replace(/^(@[^/]+\/)?([^@=<>~![\s]+).*$/, '$1$2')
    .toLowerCase()
    .replace(/_/g, '-');

/**
 * The packages install commands name, by ecosystem (flags, files and URLs left out). `argv` is every word of the
 * command line, simple commands one after another, so each installer word starts a new look.
 */
export function installedPackages(argv: readonly string[]): { eco: 'npm' | 'pypi'; name: string }[] {
  const out: { eco: 'npm' | 'pypi'; name: string }[] = [];
  const ecoOf = (w: string) => INSTALL.find((x) => x.re.test(w.split('/').pop() ?? ''))?.eco;
  for (let k = 0; k < argv.length; k++) {
    const eco = ecoOf(argv[k] as string);
    if (!eco) continue;
    // `npm install`, `uv pip install`, `poetry add`: the verb within the next two words.
    const verb = [k + 1, k + 2].find((i) => INSTALL_VERB.has(argv[i] ?? ''));
    if (verb === undefined) continue;
    for (let i = verb + 1; i < argv.length && !ecoOf(argv[i] as string); i++) {
      const a = argv[i] as string;
      // Where the facts cut some command's words: when it is this install's, its packages go on unread.
      const start = cutCommandStart(argv, i);
      if (start !== undefined) {
        if (start <= k) out.push({ eco, name: UNREAD });
        break;
      }
      if (a.startsWith('-')) {
        if (
          /^-(r|c|e|i)$|^--(requirement|constraint|editable|index-url|extra-index-url|registry|prefix|target)$/.test(
            a,
          )
        )
          i++;
        continue;
      }
      // A file, a URL or a git spec (`./pkg`, `git+https://…`, `user/repo`); a scoped npm name keeps its slash.
      if (/:|^[./~]|\.(txt|whl|tgz|gz|zip)$/.test(a) || (a.includes('/') && !a.startsWith('@'))) continue;
      out.push({ eco, name: nameOf(a) });
    }
    k = verb;
  }
  return out;
}

/** The popular name a package imitates, or null (too short to tell, itself popular, or not close to any). */
export function imitated(eco: 'npm' | 'pypi', name: string): string | null {
  const bare = name.replace(/^@[^/]+\//, '');
  if (bare.length < 5 || KNOWN[eco].has(name)) return null;
  return POPULAR[eco].find((p) => p.length >= 5 && withinOneEdit(bare, p)) ?? null;
}

/** A package installed whose name is one typo away from a widely used one. */
export const typosquatInstall: StreamDetector = {
  id: 'supply.typosquat',
  title: 'Package one typo away from a popular one',
  description:
    'An install names a package that is one edit (a letter added, dropped, changed or two swapped) from a widely ' +
    'used package of the same ecosystem and is not that package: the shape of a typosquat, whose install scripts ' +
    "and import-time code run with the user's rights.",
  severity: 'high',
  attack: ['T1195.001'],
  falsepositives: [
    'A real package whose name is close to a popular one (check the registry page and its owner)',
  ],
  triage:
    'Compare the name with the package the project meant; remove it and check what its install script ran.',
  thresholds: { max_edits: 1, min_name_length: 5 },
  kind: 'signature',
  fixtures: {
    positive: { session: [{ kind: 'command', command: 'npm install --save axois@1.6.9', t: 0 }] },
    negative: { session: [{ kind: 'command', command: 'npm install --save axios@1.6.9 preact', t: 0 }] },
  },
  observe(obs) {
    if (obs.actionClass !== 'exec') return NO_HITS;
    const installed = installedPackages(obs.facts.argv);
    const hits = installed.flatMap(({ eco, name }) => {
      const like = name === UNREAD ? null : imitated(eco, name);
      return like ? [{ name, like }] : [];
    });
    // An install whose list of packages the facts cut (analyzer/facts-bounds.ts): those past the cut are unknown.
    const unread = installed.some((p) => p.name === UNREAD);
    if (hits.length === 0 && !unread) return NO_HITS;
    const factors = hits.map((h) => ({
      rule: this.id,
      value: 1,
      text: `installs \`${h.name}\`, one edit from \`${h.like}\``,
    }));
    if (unread)
      factors.push({
        rule: `${this.id}:not-read`,
        value: 1,
        text: `installs a list of packages not read to its end (past ${MAX_WORDS} words): those past it were not checked`,
      });
    return [{ detector: this.id, evidence: [obs], factors }];
  },
};
