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

/** The install-time scripts a command's words set. */
export function scriptsSetByWords(argv: readonly string[]): LifecycleScript[] {
  const out: LifecycleScript[] = [];
  argv.forEach((w, i) => {
    const m = SET_IN_WORD.exec(w);
    if (m && HOOK.test(m[1] ?? '')) out.push({ hook: m[1] as string, run: unquote(m[2] ?? '') });
    // `npm set-script <hook> <command>` (npm 7-8).
    if (w === 'set-script' && HOOK.test(argv[i + 1] ?? ''))
      out.push({ hook: argv[i + 1] as string, run: argv[i + 2] ?? '' });
  });
  return out;
}

/** A JSON string's text with its escapes read as JSON reads them (as written when JSON would not read it). */
function unescaped(s: string): string {
  try {
    return JSON.parse(`"${s}"`) as string;
  } catch {
    return s;
  }
}

/** The install-time scripts in package.json text. */
export function scriptsInManifest(text: string): LifecycleScript[] {
  const out: LifecycleScript[] = [];
  for (const m of text.matchAll(IN_MANIFEST)) {
    const hook = unescaped(m[1] ?? '');
    if (HOOK.test(hook)) out.push({ hook, run: unescaped(m[2] ?? '') });
  }
  return out;
}

/**
 * The files a script's command runs: each command's program when it is a path, the file an interpreter (or `.`)
 * is given, and the files its options load first (`node --require=./.cache/x.js build.js`).
 */
export function filesRun(run: string): string[] {
  const out: string[] = [];
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
