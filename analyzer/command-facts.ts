import {
  analyzeCommandLine,
  initShellParser,
  loadPolicy,
  type ShellParser,
  TAXONOMY,
} from '../gate/index.js';
import { TwoKeyCache } from './two-key-cache.js';

/** What the gate's one shell analysis says about a command line, flattened for detectors. */
export interface CommandFacts {
  /** Gate finding ids (behaviour tags), e.g. read.secret, net.upload. */
  tags: string[];
  /** Their categories, e.g. credential-access, exfiltration. */
  categories: string[];
  /** Their ATT&CK technique ids. */
  attack: string[];
  /** Programs run (argv[0] of each simple command, as written). */
  binaries: string[];
  /** Every word of every command (for text rules that want a whole argument). */
  argv: string[];
  paths: { path: string; access: 'read' | 'write' }[];
  hosts: string[];
}

const EMPTY: CommandFacts = {
  tags: [],
  categories: [],
  attack: [],
  binaries: [],
  argv: [],
  paths: [],
  hosts: [],
};

/** A bounded memo of the gate's analysis: agents repeat the same commands, the analysis is the hot path. */
export interface CommandAnalyzer {
  analyze(command: string, workspace: string): CommandFacts;
  /** A file tool's read or write of `path`, analysed as the equivalent shell read (`cat`) or append. */
  analyzeFile(access: 'read' | 'write', path: string, workspace: string): CommandFacts;
}

const QUOTE = (p: string) => `'${p.replace(/'/g, `'\\''`)}'`;

const MAX_COMMAND = 64 * 1024;
const MAX_CACHED = 4096;

/** Loads the shell grammar and the default host policy once; results are cached (about LRU, `cacheSize` lines). */
export async function createCommandAnalyzer(cacheSize = 20_000): Promise<CommandAnalyzer> {
  const [parser, policy]: [ShellParser, Awaited<ReturnType<typeof loadPolicy>>] = await Promise.all([
    initShellParser(),
    loadPolicy(),
  ]);
  const cache = new TwoKeyCache<CommandFacts>(cacheSize);
  // File tools name a path: their own caches keep the synthetic command off the hot path.
  const files = {
    read: new TwoKeyCache<CommandFacts>(cacheSize),
    write: new TwoKeyCache<CommandFacts>(cacheSize),
  };
  const analyzer: CommandAnalyzer = {
    analyzeFile(access, path, workspace) {
      const c = files[access];
      const hit = c.get(workspace, path);
      if (hit) return hit;
      const facts = analyzer.analyze(
        access === 'read' ? `cat -- ${QUOTE(path)}` : `echo x >> ${QUOTE(path)}`,
        workspace,
      );
      if (path.length + workspace.length <= MAX_CACHED) c.set(workspace, path, facts);
      return facts;
    },
    analyze(command, workspace) {
      if (command === '') return EMPTY;
      const hit = cache.get(workspace, command);
      if (hit) return hit;
      let facts: CommandFacts;
      try {
        const a = analyzeCommandLine(command.slice(0, MAX_COMMAND), {
          parser,
          workspace: workspace || '/nonexistent-workspace',
          hosts: policy.hosts,
        });
        const tags = [...new Set(a.findings.map((f) => f.rule))];
        facts = {
          tags,
          categories: [
            ...new Set(tags.map((t) => TAXONOMY[t as keyof typeof TAXONOMY]?.category ?? '')),
          ].filter(Boolean),
          attack: [...new Set(tags.map((t) => TAXONOMY[t as keyof typeof TAXONOMY]?.attack ?? ''))].filter(
            Boolean,
          ),
          binaries: [...new Set(a.facts.argvs.map((v) => v[0] ?? '').filter(Boolean))],
          argv: a.facts.argvs.flat().slice(0, 512),
          paths: a.facts.paths.slice(0, 256),
          hosts: [...new Set(a.facts.hosts.map((h) => h.toLowerCase()))].slice(0, 64),
        };
      } catch (err) {
        facts = { ...EMPTY, tags: ['exec.unparseable'], categories: ['parse'] };
        void err;
      }
      // Long command lines are one-offs: not kept, so the cache's memory stays bounded whatever the agent sends.
      if (command.length + workspace.length <= MAX_CACHED) cache.set(workspace, command, facts);
      return facts;
    },
  };
  return analyzer;
}
