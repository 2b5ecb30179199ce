import { initShellParser, loadPolicy } from '../gate/index.js';
import { type CommandFacts, commandFacts, NO_FACTS, unanalysedFacts } from './facts.js';
import { createFactsThreads, factsThreadScript } from './facts-threads.js';
import { TwoKeyCache } from './two-key-cache.js';

export type { CommandFacts } from './facts.js';

/** One analysis the scorer will ask for: a command line, or a file tool's read or write of a path. */
export type AnalysisWanted =
  | { command: string; workspace: string }
  | { file: 'read' | 'write'; path: string; workspace: string };

/**
 * The gate's analysis of the commands the scorer sees, memoised: agents repeat the same commands. Scoring is
 * synchronous, so a batch's analyses are made first, together (`prepare`), on the analysis thread when there is
 * one; `analyze` and `analyzeFile` then read what was prepared.
 */
export interface CommandAnalyzer {
  /** Analyses ahead what the next `analyze`/`analyzeFile` calls will ask (what is cached is not analysed again). */
  prepare(wanted: readonly AnalysisWanted[]): Promise<void>;
  analyze(command: string, workspace: string): CommandFacts;
  /** A file tool's read or write of `path`, analysed as the equivalent shell read (`cat`) or append. */
  analyzeFile(access: 'read' | 'write', path: string, workspace: string): CommandFacts;
  /** Rejects a `prepare` in progress and ends the analysis thread (a later `prepare` starts a new one). */
  stop(): Promise<void>;
  /** Analysis threads replaced so far (0 when analysing on this thread). */
  replaced(): number;
}

const QUOTE = (p: string) => `'${p.replace(/'/g, `'\\''`)}'`;
/** Files of one patch analysed at most. */
const MAX_PATCH_FILES = 64;
/**
 * How likely a file of a patch is to matter, most first: one in the home directory or with a hidden part
 * (`~/.bashrc`, `.envrc`, `.git/hooks/x`), then one outside the working directory, then the rest.
 */
const rank = (p: string, workspace: string) =>
  p.startsWith('~') || /(^|\/)\./.test(p) ? 0 : p.startsWith('/') && !p.startsWith(`${workspace}/`) ? 1 : 2;
/**
 * The files a file tool's target names: a patch's come joined in one target (`a, b`). Past MAX_PATCH_FILES, those
 * likeliest to matter first, and said cut.
 */
function patchFiles(path: string, workspace: string): { files: string[]; cut: boolean } {
  const files = path.split(/, (?=[/~.\w])/);
  if (files.length <= MAX_PATCH_FILES) return { files, cut: false };
  const ranked = files
    .map((p, i) => ({ p, i, r: rank(p, workspace) }))
    .sort((a, b) => a.r - b.r || a.i - b.i);
  return { files: ranked.slice(0, MAX_PATCH_FILES).map((x) => x.p), cut: true };
}
/** The shell equivalent of a file tool's access, analysed in its place: each file read or written. */
const fileCommand = (access: 'read' | 'write', path: string, workspace: string) =>
  patchFiles(path, workspace)
    .files.map((p) => (access === 'read' ? `cat -- ${QUOTE(p)}` : `echo x >> ${QUOTE(p)}`))
    .join('; ');

/** Longer command lines are one-offs: not kept, so the cache's memory stays bounded whatever the agent sends. */
const MAX_CACHED = 4096;
/**
 * Characters each cache holds at most (keys and facts), whatever the entry count: by entries alone, 20,000
 * commands just under `MAX_CACHED` of two-byte characters, with their facts (every word again), could hold
 * ~300 MiB of the server's heap under a flood of one-off commands. 8 Mi characters is 16 MiB of two-byte text;
 * ordinary commands (~100 characters, ~300 with their facts) still fill the entry bound first.
 */
const MAX_CACHED_CHARS = 8 * 2 ** 20;

/** The characters an analysis holds (its facts repeat the command's words and paths). */
function factsChars(f: CommandFacts): number {
  let n = 0;
  for (const list of [f.tags, f.categories, f.attack, f.binaries, f.argv, f.hosts])
    for (const s of list) n += s.length;
  for (const p of f.paths) n += p.path.length;
  for (const b of f.buckets ?? []) {
    n += b.bucket.length;
    for (const w of b.sources ?? []) n += w.length;
  }
  for (const l of f.later ?? []) n += factsChars(l);
  return n;
}

export interface CommandAnalyzerOptions {
  /** Entries per cache (about LRU). */
  cacheSize?: number;
  /**
   * Where the analysis runs: `thread` (the default when the built thread exists: dist/analyzer/facts-thread.js)
   * keeps hostile text off the caller's event loop and memory; `inline` runs it here (tests, evaluations).
   */
  run?: 'thread' | 'inline';
  log?: (msg: string) => void;
}

/** Loads the shell grammar (on the analysis thread, or here) and the default host policy once. */
export async function createCommandAnalyzer(o: CommandAnalyzerOptions = {}): Promise<CommandAnalyzer> {
  const cacheSize = o.cacheSize ?? 20_000;
  const script = o.run === 'inline' ? undefined : factsThreadScript();
  if (o.run === 'thread' && !script)
    throw new Error('dist/analyzer/facts-thread.js is not built (npm run build)');
  const threads = script
    ? createFactsThreads({ script, onReplaced: (why) => o.log?.(`analysis thread replaced: ${why}`) })
    : undefined;
  const inline = threads
    ? undefined
    : await Promise.all([initShellParser(), loadPolicy()]).then(([parser, policy]) => ({
        parser,
        hosts: policy.hosts,
      }));
  const cache = new TwoKeyCache<CommandFacts>(cacheSize, MAX_CACHED_CHARS);
  // File tools name a path: their own caches keep the synthetic command off the hot path.
  const files = {
    read: new TwoKeyCache<CommandFacts>(cacheSize, MAX_CACHED_CHARS),
    write: new TwoKeyCache<CommandFacts>(cacheSize, MAX_CACHED_CHARS),
  };
  // What the last `prepare` analysed, whatever its length or the caches' turnover, until the next one.
  let prepared = new Map<string, Map<string, CommandFacts | null>>();
  let unprepared = 0;

  const remember = (workspace: string, command: string, facts: CommandFacts) => {
    if (command.length + workspace.length <= MAX_CACHED)
      cache.set(workspace, command, facts, workspace.length + command.length + factsChars(facts));
  };
  const lookup = (workspace: string, command: string) =>
    cache.get(workspace, command) ?? prepared.get(workspace)?.get(command) ?? undefined;

  const analyzer: CommandAnalyzer = {
    async prepare(wanted) {
      const next = new Map<string, Map<string, CommandFacts | null>>();
      const missing: [string, string][] = [];
      for (const w of wanted) {
        const command = 'command' in w ? w.command : fileCommand(w.file, w.path, w.workspace);
        if (command === '') continue;
        const inner = next.get(w.workspace) ?? new Map<string, CommandFacts | null>();
        next.set(w.workspace, inner);
        if (inner.has(command)) continue;
        const hit = cache.get(w.workspace, command) ?? null;
        inner.set(command, hit);
        if (!hit) missing.push([command, w.workspace]);
      }
      const facts = threads
        ? await threads.analyse(missing)
        : missing.map(([c, ws]) => commandFacts(c, ws, inline as NonNullable<typeof inline>));
      missing.forEach(([command, workspace], i) => {
        const f = facts[i] as CommandFacts;
        next.get(workspace)?.set(command, f);
        remember(workspace, command, f);
      });
      prepared = next;
    },
    analyzeFile(access, path, workspace) {
      const c = files[access];
      const hit = c.get(workspace, path);
      if (hit) return hit;
      const read = analyzer.analyze(fileCommand(access, path, workspace), workspace);
      // A patch of more files than were analysed: its paths are not all known.
      const facts: CommandFacts = patchFiles(path, workspace).cut
        ? { ...read, cut: [...new Set([...(read.cut ?? []), 'paths' as const])] }
        : read;
      if (path.length + workspace.length <= MAX_CACHED)
        c.set(workspace, path, facts, workspace.length + path.length + factsChars(facts));
      return facts;
    },
    analyze(command, workspace) {
      if (command === '') return NO_FACTS;
      const hit = lookup(workspace, command);
      if (hit) return hit;
      if (inline) {
        const facts = commandFacts(command, workspace, inline);
        remember(workspace, command, facts);
        return facts;
      }
      // Not prepared, and the grammar is not loaded on this thread: never guessed clean.
      if (unprepared++ === 0) o.log?.('a command was scored without being prepared: said unanalysable');
      return unanalysedFacts();
    },
    stop: async () => threads?.stop(),
    replaced: () => threads?.stats().replaced ?? 0,
  };
  return analyzer;
}
