/**
 * Install-time package scripts: the hooks npm (and pnpm, yarn, bun) run unasked on `install`, `ci`, `pack` and
 * `publish`, set by a command (`npm pkg set scripts.prepare=…`, `npm set-script postinstall …`, `jq
 * '.scripts.preinstall = "…"'`) or written into package.json, and what the command they are set to does.
 */
export interface LifecycleScript {
  hook: string;
  run: string;
}

/** Hooks that run without being asked for by name. */
const HOOK = /^(?:(?:pre|post)?(?:install|prepare|pack|publish)|prepublishOnly|dependencies)$/;
/** `scripts.<hook>=<value>` or `.scripts.<hook> = "<value>"` / `scripts["<hook>"] = …` in one word. */
const SET_IN_WORD = /(?:^|[\s.'"[(])scripts(?:\.|\[\s*["'])([\w:-]+)["'\]]*\s*=\s*(.*)$/s;
/**
 * A string member in package.json text (a whole file or an edit's fragment): its key and value as written, with
 * JSON's escapes (`"post\u0069nstall"` is the key npm reads as postinstall).
 */
const IN_MANIFEST = /"((?:[^"\\]|\\.)*)"\s*:\s*"((?:[^"\\]|\\.)*)"/g;
/** Programs that run the file they are given (`node x.js`, `sh x.sh`, `python x.py`, `. x.sh`). */
const INTERPRETER =
  /^(?:node|nodejs|sh|bash|zsh|dash|ksh|python[\d.]*|deno|bun|tsx|ts-node|perl|ruby|php|pwsh|\.|source)$/;
/** An interpreter's options that load another file before the one it is given (`--require=./.x.js`, `-r x`). */
const LOADS = /^(?:-r|--require|--import|--loader|--experimental-loader|--preload)$/;
/**
 * Text that fetches, decodes or evaluates: the same shape the autorun rule reads in written files
 * (rules/persistence-autorun.yml).
 */
export const ACTS =
  /\b(?:curl|wget|nc|ncat|socat|telnet|base64|xxd|openssl|eval)\b|https?:\/\/|\/dev\/(?:tcp|udp)\/|\|\s*(?:ba|z|da)?sh\b|\b(?:python[\d.]*|node|perl|ruby|php)\s+-[ce]\b|urlopen|requests\.(?:get|post|put)|\bhttps?\.(?:request|get)\b|\b(?:require|import)\s*\(\s*['"](?:node:)?(?:https?|http2|net|tls|dgram|dns)['"]|\bfrom\s+['"](?:node:)?(?:https?|http2|net|tls|dgram|dns)['"]|\bhttp\.client\b|\bfetch\s*\(|XMLHttpRequest|\bsocket\b|fromCharCode|\\x[0-9a-f]{2}/i;
/** Tracked folders of developer tools whose files a script may run (`node .husky/install.mjs`): not hidden. */
export const TOOL_FOLDERS: ReadonlySet<string> = new Set(['.husky', '.github', '.config', '.yarn']);

const unquote = (s: string) => s.trim().replace(/^(["'])([\s\S]*)\1$/, '$2');

/** Every package script a command's words set, whatever its name (`hook` is the script's name). */
export function scriptAssignments(argv: readonly string[]): LifecycleScript[] {
  const out: LifecycleScript[] = [];
  argv.forEach((w, i) => {
    const m = SET_IN_WORD.exec(w);
    if (m) out.push({ hook: m[1] as string, run: unquote(m[2] ?? '') });
    // `npm set-script <name> <command>` (npm 7-8).
    if (w === 'set-script' && argv[i + 1]) out.push({ hook: argv[i + 1] as string, run: argv[i + 2] ?? '' });
  });
  return out;
}

/** The install-time scripts a command's words set. */
export function scriptsSetByWords(argv: readonly string[]): LifecycleScript[] {
  return scriptAssignments(argv).filter((s) => HOOK.test(s.hook));
}

/** A JSON string's text with its escapes read as JSON reads them (as written when JSON would not read it). */
function unescaped(s: string): string {
  try {
    return JSON.parse(`"${s}"`) as string;
  } catch {
    return s;
  }
}

/** Every string member in package.json text (a whole file or an edit's fragment), key and value as JSON reads them. */
export function manifestStrings(text: string): [key: string, value: string][] {
  return [...text.matchAll(IN_MANIFEST)].map((m) => [unescaped(m[1] ?? ''), unescaped(m[2] ?? '')]);
}

/** The install-time scripts in package.json text. */
export function scriptsInManifest(text: string): LifecycleScript[] {
  return manifestStrings(text)
    .filter(([hook]) => HOOK.test(hook))
    .map(([hook, run]) => ({ hook, run }));
}

/** A shell or interpreter that runs the code it reads on standard input or in `-c`/`-e` text. */
const RUNS_TEXT = String.raw`(?:(?:ba|z|da|k)?sh|node(?:js)?|python[\d.]*|perl|ruby|php|deno|bun)`;
/**
 * A file whose text is handed to a shell or interpreter as code: read into a substitution (`sh -c "$(cat .x)"`,
 * `bash -c "$(<.x)"`, `` eval `cat .x` ``), piped into one (`cat .x | sh`), or given as its input (`sh < .x`).
 */
const CONTENT_RUN = [
  /\$\(\s*(?:cat\s+(?:--\s+)?|<\s*)["']?([^\s()`'"|;&<>]+)["']?\s*\)/g,
  /`\s*(?:cat\s+(?:--\s+)?|<\s*)["']?([^\s`'"|;&<>]+)["']?\s*`/g,
  new RegExp(String.raw`\bcat\s+(?:--\s+)?["']?([^\s|;&<>'"]+)["']?\s*\|\s*${RUNS_TEXT}\b`, 'g'),
  new RegExp(String.raw`(?:^|[;&|(]\s*)${RUNS_TEXT}\b[^;&|<>(]*<\s*["']?([^\s|;&<>'"()]+)`, 'g'),
];

/** The files whose text a script runs as code (`sh -c "$(cat .x)"`, `cat .x | sh`, `sh < .x`). */
function contentRun(run: string): string[] {
  return CONTENT_RUN.flatMap((re) => [...run.matchAll(re)].map((m) => m[1] ?? ''));
}

/**
 * The files a script's command runs: each command's program when it is a path, the file an interpreter (or `.`)
 * is given, the files its options load first (`node --require=./.cache/x.js build.js`), and the files whose text
 * it runs as code (`sh -c "$(cat .x)"`).
 */
export function filesRun(run: string): string[] {
  const out: string[] = contentRun(run);
  for (const part of run.split(/&&|\|\||[;|&]/)) {
    const words = part.trim().split(/\s+/).map(unquote).filter(Boolean);
    const program = words[0] ?? '';
    if (program.includes('/')) out.push(program);
    else if (INTERPRETER.test(program)) {
      for (let i = 1; i < words.length; i++) {
        const w = words[i] as string;
        const eq = w.indexOf('=');
        if (LOADS.test(eq < 0 ? w : w.slice(0, eq))) {
          const loaded = eq < 0 ? words[++i] : w.slice(eq + 1);
          if (loaded) out.push(loaded);
        } else if (!w.startsWith('-')) {
          out.push(w);
          break;
        }
      }
    }
  }
  return out
    .map((f) => f.replace(/^(?:\.\/)+/, ''))
    .filter((f) => f !== '' && !f.startsWith('node_modules/'));
}

/** A file hidden from a listing: its name or a folder on its way starts with a dot (a tool's tracked folder aside). */
export function isHidden(file: string): boolean {
  const parts = file.split('/').filter((p) => p !== '' && p !== '.' && p !== '..');
  return parts.some((p, i) => p.startsWith('.') && !(i === 0 && TOOL_FOLDERS.has(p)));
}

/** Whether a written path is the file a script runs (given relative to the package, or as written). */
export function samePath(written: string, ran: string): boolean {
  const w = written.replace(/^(?:\.\/)+/, '');
  return w === ran || w.endsWith(`/${ran}`) || ran.endsWith(`/${w}`);
}

/** A package a script runs through a package runner (`npx x`, `npm exec x`, `pnpm dlx x`, `bunx x`). */
export interface PackageRun {
  /** The package's name as the registry knows it (scope kept, version and tag dropped). */
  name: string;
  /**
   * The runner is told to fetch it: it always does (`dlx`, `bunx`), it is told to install without asking (`-y`,
   * `--package`), or the spec names a version, tag, URL, git host or tarball rather than an installed package.
   */
  fetches: boolean;
}

/** Runners that install what they are given, whatever the project has. */
const ALWAYS_FETCH = /^(?:bunx|pnpx)$/;
/** `npx`'s and `npm exec`'s options that take a value (the spec is the first operand after them). */
const RUNNER_VALUE = /^(?:-p|--package|-c|--call|-w|--workspace|--registry|--cache|--userconfig)$/;
/** A spec that is not a bare package name: a version or tag, a URL or git host, `user/repo`, a tarball or a path. */
const FETCH_SPEC = /^(?:@[^/]+\/)?[^@/:]+@|:|^[^@.][^/]*\/|\.(?:tgz|tar\.gz)$|^[./~]/;
const specName = (spec: string) => spec.replace(/^(@[^/@]+\/[^@]+|[^@]+)@.*$/, '$1').toLowerCase();

/** The packages one command's words run through a package runner, from its program on. */
function packageRunOf(words: readonly string[]): PackageRun | undefined {
  const program = (words[0] ?? '').replace(/^.*\//, '');
  let i = 1;
  let fetches = ALWAYS_FETCH.test(program);
  if (/^(?:npm|pnpm|yarn|bun)$/.test(program)) {
    const verb = words[1] ?? '';
    if ((program === 'npm' && (verb === 'exec' || verb === 'x')) || (program === 'bun' && verb === 'x'))
      i = 2;
    else if (verb === 'dlx') {
      i = 2;
      fetches = true;
    } else return undefined;
  } else if (program !== 'npx' && !fetches) return undefined;
  let spec: string | undefined;
  for (; i < words.length; i++) {
    const w = words[i] as string;
    if (w === '--') {
      spec ??= words[i + 1];
      break;
    }
    const eq = w.indexOf('=');
    const flag = eq < 0 ? w : w.slice(0, eq);
    // Only what the project has: nothing is fetched.
    if (/^(?:--no|--no-install|--offline|--prefer-offline)$/.test(w) && !fetches) return undefined;
    if (/^(?:-y|--yes)$/.test(w)) fetches = true;
    else if (/^(?:-p|--package)$/.test(flag)) {
      fetches = true;
      spec = eq < 0 ? words[++i] : w.slice(eq + 1);
    } else if (RUNNER_VALUE.test(flag)) {
      if (eq < 0) i++;
    } else if (!w.startsWith('-')) {
      spec ??= w;
      break;
    }
  }
  if (!spec) return undefined;
  return { name: specName(spec), fetches: fetches || FETCH_SPEC.test(spec) };
}

/** The packages a command text runs through a package runner, each command's words read as `filesRun` reads them. */
export function packagesRun(run: string): PackageRun[] {
  const out: PackageRun[] = [];
  for (const part of run.split(/&&|\|\||[;|&]/)) {
    const words = part.trim().split(/\s+/).map(unquote).filter(Boolean);
    // A variable set for the command (`CI=1 npx x`) comes before its program.
    while (words.length > 1 && /^[A-Za-z_]\w*=/.test(words[0] as string)) words.shift();
    const p = packageRunOf(words);
    if (p) out.push(p);
  }
  return out;
}

/** A value that is a dependency's version range, tag or protocol (`^5.14.0`, `latest`, `workspace:*`). */
export const VERSION_RANGE = /^(?:[\^~<>=*]|\d|latest$|next$|workspace:|npm:)/;

/** Package names a manifest text lists with a version range (`"prisma": "^5.14.0"`): its dependencies. */
export function manifestDependencies(text: string): string[] {
  return manifestStrings(text)
    .filter(([, value]) => VERSION_RANGE.test(value))
    .map(([name]) => name.toLowerCase());
}
