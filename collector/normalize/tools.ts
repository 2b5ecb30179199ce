import { isShellTool, type OtlpValue, valueToString } from '../../schema/fast.js';
import { type JsonObject, objectValue } from './values.js';

const FILE_READ_TOOLS = new Set(['read', 'read_file', 'read_many_files', 'view', 'cat']);
/** Content searches read every file under their path (Claude Code's Grep, Gemini's search_file_content). */
const SEARCH_TOOLS = new Set(['grep', 'search_file_content', 'search_files', 'ripgrep']);
const FILE_WRITE_TOOLS = new Set([
  'write',
  'edit',
  'multiedit',
  'notebookedit',
  'write_file',
  'replace',
  'edit_file',
  'apply_patch',
  'create_file',
]);
const NETWORK_TOOLS = new Set(['webfetch', 'web_fetch', 'fetch', 'http_request', 'curl']);

/** What a tool call did, as far as its name and arguments tell. */
export interface ToolFacts {
  /** command, file_read, file_write, network; null for any other tool. */
  kind: 'command' | 'file_read' | 'file_write' | 'network' | null;
  command: string;
  target: string;
  /** Fields the call should have carried but did not (e.g. `command` without tool details). */
  missing: string[];
}

/** `["bash","-lc","ls -la"]` → `ls -la`; other argv arrays joined with shell-style quoting. */
export function argvToCommand(argv: readonly OtlpValue[]): string {
  const parts = argv.map((a) => valueToString(a));
  const shell = parts[0]?.split('/').pop() ?? '';
  if (parts.length === 3 && /^(ba|z|da|k)?sh$/.test(shell) && /^-[a-z]*c$/.test(parts[1] ?? '')) {
    return parts[2] ?? '';
  }
  return parts.map((p) => (/^[\w@%+=:,./-]+$/.test(p) ? p : `'${p.replaceAll("'", `'\\''`)}'`)).join(' ');
}

function commandFrom(args: JsonObject | null): string {
  if (!args) return '';
  for (const key of ['full_command', 'command', 'cmd', 'script']) {
    const v = args[key];
    if (typeof v === 'string' && v !== '') return v;
    if (Array.isArray(v) && v.length > 0) return argvToCommand(v);
  }
  return '';
}

function firstString(args: JsonObject | null, keys: readonly string[]): string {
  if (!args) return '';
  for (const key of keys) {
    const v = args[key];
    if (typeof v === 'string' && v !== '') return v;
    if (Array.isArray(v) && typeof v[0] === 'string')
      return v.filter((x) => typeof x === 'string').join(', ');
  }
  return '';
}

/** Paths a Codex apply_patch touches (`*** Add File: x`, `*** Update File: y`, …), comma-separated. */
function patchPaths(patch: string): string {
  const paths: string[] = [];
  for (const m of patch.matchAll(/^\*\*\* (?:Add|Update|Delete) File: (.+)$/gm)) paths.push(m[1]!.trim());
  return paths.join(', ');
}

/** `https://example.com/x` → `example.com:443`; not a URL → ''. */
export function hostPort(url: string): string {
  const m = /\bhttps?:\/\/[^\s"'<>]+/.exec(url);
  if (!m) return '';
  try {
    const u = new URL(m[0]);
    const port = u.port || (u.protocol === 'https:' ? '443' : '80');
    return `${u.hostname}:${port}`;
  } catch {
    return '';
  }
}

/** Arguments as an object whatever their encoding (JSON string, kvlist). */
export function toolArgs(v: OtlpValue | undefined): JsonObject | null {
  return objectValue(v);
}

/** Classifies one call by tool name and arguments; `args` null means the agent did not export them. */
export function classifyTool(tool: string, args: JsonObject | null): ToolFacts {
  const name = tool.toLowerCase();
  if (isShellTool(name) || (name === '' && commandFrom(args) !== '')) {
    const command = commandFrom(args);
    return { kind: 'command', command, target: '', missing: command === '' ? ['command'] : [] };
  }
  if (FILE_READ_TOOLS.has(name)) {
    const target = firstString(args, ['file_path', 'absolute_path', 'path', 'paths', 'notebook_path']);
    return { kind: 'file_read', command: '', target, missing: target === '' ? ['target'] : [] };
  }
  if (SEARCH_TOOLS.has(name)) {
    const target = firstString(args, ['path', 'dir_path', 'directory', 'absolute_path']);
    // Without a path it searches the workspace: nothing to say about where.
    if (target !== '') return { kind: 'file_read', command: '', target, missing: [] };
  }
  if (FILE_WRITE_TOOLS.has(name)) {
    let target = firstString(args, ['file_path', 'absolute_path', 'path', 'notebook_path']);
    // Codex's apply_patch carries its patch as `input` (telemetry) or `command` (its hook).
    if (target === '' && args) target = patchPaths(firstString(args, ['input', 'patch', 'command']));
    return { kind: 'file_write', command: '', target, missing: target === '' ? ['target'] : [] };
  }
  if (NETWORK_TOOLS.has(name)) {
    const target = hostPort(firstString(args, ['url', 'prompt']));
    return { kind: 'network', command: '', target, missing: target === '' ? ['target'] : [] };
  }
  // Any other tool given an http(s) URL fetches it (an MCP fetch server, a browser tool): by what it does, not
  // by a list of names.
  const url = hostPort(firstString(args, ['url', 'uri', 'href']));
  if (url !== '') return { kind: 'network', command: '', target: url, missing: [] };
  return otherToolFile(tool, args) ?? { kind: null, command: '', target: '', missing: [] };
}

/** The tool's own name: an MCP tool's after its server (`mcp__filesystem__read_text_file` → `read_text_file`). */
const ownName = (tool: string, args: JsonObject | null) => {
  const named = args?.mcp_tool_name;
  return typeof named === 'string' && named !== '' ? named : tool.replace(/^mcp_+.*?_{2,}/, '');
};
/** Verbs in a tool's name that say it changes a file, or only names files (as the gate reads unknown tools). */
const WRITE_VERB =
  /(^|[_\-.]|[a-z](?=[A-Z]))(write|edit|create|update|delete|remove|move|rename|put|save|patch|append|mkdir|insert|replace|copy)/i;
const LIST_VERB = /(^|[_\-.]|[a-z](?=[A-Z]))(list|ls|glob|find|search|tree|stat|info|exists|watch)/i;

/**
 * Any other tool (an MCP server's, an extension's) given a file's path reads it, or writes it when its name says
 * so: `read_text_file`, `get_file_contents`, `open` read what they name as the agents' own Read does. A tool that
 * only names files (lists, searches by name, stats) reads none. By the arguments, not by a list of tool names.
 */
function otherToolFile(tool: string, args: JsonObject | null): ToolFacts | null {
  const target = firstString(args, ['file_path', 'absolute_path', 'path', 'paths', 'file_paths', 'filename']);
  if (target === '' || /^[a-z][\w+.-]*:\/\//i.test(target)) return null;
  const name = ownName(tool, args);
  if (WRITE_VERB.test(name)) return { kind: 'file_write', command: '', target, missing: [] };
  if (LIST_VERB.test(name)) return null;
  return { kind: 'file_read', command: '', target, missing: [] };
}
