import { posix } from 'node:path';
import { isShellTool } from '../../schema/fast.js';
import { chunkedData, dataCarried, dataInHost, dataInUrl, encodedData } from '../analysis/data-carried.js';
import { hostMatches } from '../analysis/network.js';
import { isSecretFileName } from '../analysis/paths.js';
import { fetchTarget, urlsIn } from './fetch-target.js';
import { destructiveQuery, mcpAction } from './mcp-action.js';
import { pathsInPatch } from './patch-paths.js';
import type { ToolFinding, ToolRuleId } from './rules.js';
import {
  isGlob,
  kindsOfToolPath,
  resolveToolPath,
  secretsReachedByGlob,
  type ToolPathContext,
  type ToolPathKind,
} from './tool-paths.js';

/** What a tool does with its arguments. `shell` tools go to the shell analysis instead. */
export type ToolAccess =
  | 'shell'
  | 'write'
  | 'patch'
  | 'read'
  | 'search'
  | 'list'
  | 'fetch'
  | 'search-web'
  | 'unknown';

/**
 * Tool names of Claude Code, Codex CLI and Gemini CLI by what they do, beside the shell tools (one list in
 * schema/, `isShellTool`). Data: add a row for a new tool.
 */
const TOOL_ACCESS: [RegExp, ToolAccess][] = [
  [
    /^(write|edit|multiedit|notebookedit|write_file|replace|edit_file|create_file|str_replace_editor|str_replace_based_edit_tool)$/i,
    'write',
  ],
  [/^apply_patch$/i, 'patch'],
  [/^(read|notebookread|read_file|read_many_files|view_image)$/i, 'read'],
  [/^(grep|search_file_content|grep_search)$/i, 'search'],
  [/^(glob|ls|list_directory)$/i, 'list'],
  [/^(webfetch|web_fetch|fetch)$/i, 'fetch'],
  [/^(websearch|google_web_search|web_search)$/i, 'search-web'],
];

/** The kind of a tool by name (mcp__server__tool and anything unknown: 'unknown'). */
export function toolAccess(tool: string): ToolAccess {
  if (isShellTool(tool)) return 'shell';
  return TOOL_ACCESS.find(([re]) => re.test(tool))?.[1] ?? 'unknown';
}

const PATH_KEYS = [
  'file_path',
  'path',
  'notebook_path',
  'absolute_path',
  'dir_path',
  'directory',
  'target_file',
];
const PATH_LIST_KEYS = ['paths', 'file_paths', 'include'];
/** Verbs in a tool's name that say it changes something (for MCP and unknown tools). */
const WRITE_VERBS =
  /(^|[_\-.]|[a-z](?=[A-Z]))(write|edit|create|update|delete|remove|move|rename|put|save|patch|upload|append|mkdir|set|insert|replace|copy)/i;
const PATHY_KEY =
  /(^|_|[a-z](?=[A-Z]))(path|paths|file|files|filename|dir|directory|folder|cwd|root|dest|destination|target|source|src|name|uri)$/i;

const WRITE_RULE: Partial<Record<ToolPathKind, ToolRuleId>> = {
  'agent-credentials': 'tool.write-guard-config',
  'guard-config': 'tool.write-guard-config',
  'git-config': 'tool.write-git-config',
  'env-script': 'tool.write-exec-config',
  'exec-config': 'tool.write-exec-config',
  'shell-rc': 'tool.write-shell-rc',
  ssh: 'tool.write-ssh',
  'private-key': 'tool.write-ssh',
  credentials: 'tool.write-credentials',
  autostart: 'tool.write-autostart',
  sensitive: 'tool.write-system',
  system: 'tool.write-system',
  home: 'tool.write-outside',
  outside: 'tool.write-outside',
  unresolved: 'tool.write-unresolved',
};
const READ_RULE: Partial<Record<ToolPathKind, ToolRuleId>> = {
  'private-key': 'tool.read-private-key',
  credentials: 'tool.read-secret',
  'agent-credentials': 'tool.read-agent-credentials',
  'env-file': 'tool.read-env-file',
  'env-script': 'tool.read-env-file',
  ssh: 'tool.read-sensitive',
  sensitive: 'tool.read-sensitive',
};

export interface ToolAnalysisOptions extends ToolPathContext {
  /** Hosts the policy denies. */
  denyHosts: readonly string[];
}

/** What the analysis found, plus the facts policy rules match (paths with their access, hosts). */
export interface ToolAnalysis {
  findings: ToolFinding[];
  paths: { path: string; access: 'read' | 'write' }[];
  hosts: string[];
}

/** Argument names that say where a request goes. */
const HOST_KEY =
  /^(host|hosts|hostname|host_name|domain|server|endpoint|address|addr|ip|uri|webhook|origin|base_?url|api_?url|(base|api|webhook)Url)$/i;
const MAX_STRINGS = 2000;

/** Arguments that carry a command line the gate analyses as shell text (see embeddedCommand in gate.ts). */
const COMMAND_KEYS = ['command', 'cmd', 'script', 'shell_command', 'commandLine', 'argv'];

/**
 * Analyses one non-shell tool call: which paths it reads or writes (symlinks and patterns resolved), which
 * hosts it fetches, from the arguments whatever the agent. Every finding names the argument that showed it.
 */
export function analyzeToolCall(
  tool: string,
  input: Record<string, unknown>,
  o: ToolAnalysisOptions,
): ToolAnalysis {
  const out: ToolAnalysis = { findings: [], paths: [], hosts: [] };
  const add = (rule: ToolRuleId, detail: string) => {
    if (!out.findings.some((f) => f.rule === rule && f.detail === detail))
      out.findings.push({ rule, detail });
  };
  const access = toolAccess(tool);
  const str = (k: string) => (typeof input[k] === 'string' ? (input[k] as string) : undefined);
  const base = () => {
    const dir = str('path') ?? str('dir_path') ?? str('directory');
    return (dir && resolveToolPath(dir, o)) || o.cwd || o.workspace;
  };

  const onPath = (raw: string, mode: 'read' | 'write', where: string) => {
    if (mode === 'read' && isGlob(raw)) {
      for (const hit of secretsReachedByGlob(raw, o.cwd || o.workspace, o)) {
        add('tool.glob-secret', `${where}=${raw} reaches ${hit}`);
        out.paths.push({ path: hit, access: 'read' });
      }
      // The same text is also a path as written: a directory named with brackets or braces (`app/[id]/.env`, a
      // route of Next.js or SvelteKit) holds its own secrets, which no sample path of the pattern matches.
      if (!kindsOfToolPath(raw, o).kinds.some((k) => READ_RULE[k])) return;
    }
    const { path, kinds } = kindsOfToolPath(raw, o);
    out.paths.push({ path: resolveToolPath(raw, o) ?? raw, access: mode });
    // Public keys and known hosts are meant to be read; the rest of ~/.ssh is not.
    const publicSsh = mode === 'read' && /(\.pub|\/known_hosts)$/.test(path);
    for (const kind of kinds) {
      const rule = mode === 'write' ? WRITE_RULE[kind] : publicSsh ? undefined : READ_RULE[kind];
      if (rule) add(rule, `${where}=${path}`);
    }
  };
  const onUrl = (url: string, where: string, mode: 'read' | 'write' = 'read') => {
    const t = fetchTarget(url);
    // A file: URI is the file, read or written as the tool does (an MCP write given `uri: file:///…`).
    if (t.kind === 'file') return onPath(t.path, mode, where);
    if (t.kind === 'other-scheme') return add('tool.fetch-scheme', `${where}=${url}`);
    if (t.kind === 'invalid') return add('tool.fetch-unparsed', `${where}=${url}`);
    out.hosts.push(t.host);
    if (t.kind === 'metadata') add('tool.fetch-metadata', `${where}=${url}`);
    else if (t.kind === 'internal') add('tool.fetch-internal', `${where}=${url}`);
    if (o.denyHosts.some((p) => hostMatches(t.host, p))) add('tool.fetch-denied-host', `${where}=${url}`);
    const carried = dataInUrl(url, t.host);
    if (carried) add('tool.fetch-carries-data', `${where} to ${t.host}: ${carried}`);
  };

  switch (access) {
    case 'shell':
      break;
    case 'search-web': {
      const query = str('query') ?? str('q') ?? '';
      const carried = dataCarried(query);
      if (carried) add('tool.fetch-carries-data', `${tool} query: ${carried}`);
      break;
    }
    case 'write':
    case 'read':
      for (const k of PATH_KEYS) {
        const v = str(k);
        if (v !== undefined) onPath(v, access, `${tool} ${k}`);
      }
      for (const k of PATH_LIST_KEYS)
        if (Array.isArray(input[k]))
          for (const v of (input[k] as unknown[]).slice(0, 256))
            if (typeof v === 'string') onPath(v, access, `${tool} ${k}`);
      break;
    case 'patch': {
      const body = str('command') ?? str('patch') ?? str('input') ?? '';
      for (const p of pathsInPatch(body)) onPath(p, 'write', `${tool} patch file`);
      break;
    }
    case 'search': {
      // Content search reads every file under its base: asking when that tree holds secrets (home, /).
      const root = base();
      const glob = str('glob') ?? str('include');
      // Inside the workspace only a pattern that picks out its secrets counts (`glob: ".env"`): every search
      // of a project would otherwise ask.
      const inWorkspace = (p: string) => p.startsWith(`${o.workspace.replace(/\/+$/, '')}/`);
      const reached = secretsReachedByGlob(glob ? posix.join('**', glob) : '**', root, o).filter(
        (p) => !inWorkspace(p) || (glob !== undefined && !/^(\*\*\/)*\*(\.\*)?$/.test(glob)),
      );
      const { kinds } = kindsOfToolPath(root, o);
      if (kinds.some((k) => READ_RULE[k])) onPath(root, 'read', `${tool} path`);
      else if (reached.length > 0)
        add(
          'tool.search-secrets',
          `${tool} path=${root}${glob ? ` glob=${glob}` : ''} reaches ${reached[0]}`,
        );
      out.paths.push({ path: root, access: 'read' });
      break;
    }
    case 'list':
      // Names only: nothing is read. The paths still count for policy rules.
      out.paths.push({ path: base(), access: 'read' });
      break;
    case 'fetch': {
      const url = str('url');
      if (url !== undefined) onUrl(url, `${tool} url`);
      const prompt = str('prompt');
      if (url === undefined && prompt) for (const u of urlsIn(prompt)) onUrl(u, `${tool} prompt`);
      break;
    }
    case 'unknown': {
      const mode = WRITE_VERBS.test(tool.replace(/^mcp_+[^_]+_+/, '')) ? 'write' : 'read';
      // A tool that runs a command line it is given has that line analysed like the shell's (gate.ts): its
      // name adds nothing then. Code or commands the gate cannot see (a page script, a job) ask.
      const action = mcpAction(tool);
      const seen = COMMAND_KEYS.some((k) => typeof input[k] === 'string' || Array.isArray(input[k]));
      if (action && !(action === 'tool.mcp-exec' && seen)) add(action, `tool ${tool}`);
      let budget = MAX_STRINGS;
      // The tool's other strings, measured together once it names a host (`{host, path, query}`, `{url,
      // params, headers, body}`): what a request carries is not only in its address.
      const strings: string[] = [];
      let namesHost = false;
      const walk = (v: unknown, key: string, depth: number) => {
        if (budget-- <= 0 || depth > 8) return;
        if (typeof v === 'string') {
          if (v.length > 65_536) return;
          if ((HOST_KEY.test(key) || (key === 'url' && v.startsWith('//'))) && v.trim() !== '')
            namesHost = true;
          // A name looked up or reached carries what its labels spell (`{domain: "<hex>.evil.example"}`).
          const host = /^[\w-]+(\.[\w-]+)+$/.test(v.trim()) ? dataInHost(v.trim()) : null;
          if (host) add('tool.fetch-carries-data', `${tool} ${key}: ${host}`);
          if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(v.trim())) strings.push(v);
          if (destructiveQuery(key, v)) add('tool.mcp-destroy', `${tool} ${key}=${v.slice(0, 80)}`);
          for (const u of urlsIn(v)) onUrl(u, `${tool} ${key}`, mode);
          const t = v.trim();
          const looksLikePath = /^(\/|~\/|\.\.?\/)/.test(t) && !/\s/.test(t) && t.length < 4096;
          if (
            looksLikePath ||
            (PATHY_KEY.test(key) && t !== '' && !/[\n\r]/.test(t) && !/^[a-z]+:\/\//i.test(t))
          )
            onPath(t, mode, `${tool} ${key}`);
          // A git object named by commit and path (`HEAD:.env`) is that file's content.
          const object = /^[^\s:/]+:([^\s:/][^\s:]*)$/.exec(t)?.[1];
          if (object && isSecretFileName(object.slice(object.lastIndexOf('/') + 1)))
            onPath(object, 'read', `${tool} ${key}`);
        } else if (Array.isArray(v)) for (const x of v) walk(x, key, depth + 1);
        else if (typeof v === 'object' && v !== null)
          for (const [k, x] of Object.entries(v)) {
            // Keys carry data as well as values (a header or a form field named by the data).
            if (k.length >= 16) strings.push(k);
            walk(x, k, depth + 1);
          }
      };
      walk(input, 'input', 0);
      if (namesHost || out.hosts.length > 0) {
        const carried = encodedData(strings.join('/')) ?? chunkedData(strings.join('\n'));
        if (carried) add('tool.fetch-carries-data', `${tool} arguments: ${carried}`);
      }
      break;
    }
  }
  return out;
}
