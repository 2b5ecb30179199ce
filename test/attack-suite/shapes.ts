/**
 * Tool calls in the shapes the agents' hooks send them: Claude Code's and Codex CLI's PreToolUse events and
 * Gemini CLI's BeforeTool events, each with the agent's own tool names and argument names.
 */

export type Agent = 'claude-code' | 'codex' | 'gemini-cli';

/** One hook event of the suite, with what it is an example of. */
export interface SuiteCall {
  id: string;
  agent: Agent;
  /** The attack class (or everyday activity) the call belongs to. */
  kind: string;
  /** ATT&CK technique the call is an instance of ('' for everyday calls). */
  attack: string;
  event: {
    hook_event_name: 'PreToolUse' | 'BeforeTool';
    session_id: string;
    cwd: string;
    tool_name: string;
    tool_input: Record<string, unknown>;
  };
}

/** The project the agent works in, and its home. */
export const CWD = '/home/dev/project';
export const HOME = '/home/dev';

const event = (agent: Agent, tool: string, input: Record<string, unknown>): SuiteCall['event'] => ({
  hook_event_name: agent === 'gemini-cli' ? 'BeforeTool' : 'PreToolUse',
  session_id: 'attack-suite',
  cwd: CWD,
  tool_name: tool,
  tool_input: input,
});

/** A shell command as each agent's shell tool sends it (Codex wraps its commands in `bash -lc`). */
export function shell(agent: Agent, command: string): SuiteCall['event'] {
  if (agent === 'claude-code') return event(agent, 'Bash', { command, description: 'run a command' });
  if (agent === 'codex')
    return event(agent, 'Bash', { command: `bash -lc '${command.replaceAll("'", "'\\''")}'` });
  return event(agent, 'run_shell_command', { command, description: 'run a command' });
}

/** Writing a whole file: Write (Claude Code), write_file (Gemini CLI), an Add File patch (Codex). */
export function writeFile(agent: Agent, path: string, content: string): SuiteCall['event'] {
  if (agent === 'claude-code') return event(agent, 'Write', { file_path: path, content });
  if (agent === 'gemini-cli') return event(agent, 'write_file', { file_path: path, content });
  const body = content
    .split('\n')
    .map((l) => `+${l}`)
    .join('\n');
  return event(agent, 'apply_patch', {
    command: `*** Begin Patch\n*** Add File: ${path}\n${body}\n*** End Patch`,
  });
}

/** Changing part of a file: Edit (Claude Code), replace (Gemini CLI), an Update File patch (Codex). */
export function editFile(agent: Agent, path: string, before: string, after: string): SuiteCall['event'] {
  if (agent === 'claude-code')
    return event(agent, 'Edit', { file_path: path, old_string: before, new_string: after });
  if (agent === 'gemini-cli')
    return event(agent, 'replace', { file_path: path, old_string: before, new_string: after });
  return event(agent, 'apply_patch', {
    command: `*** Begin Patch\n*** Update File: ${path}\n@@\n-${before}\n+${after}\n*** End Patch`,
  });
}

/** Reading a file: Read (Claude Code), read_file (Gemini CLI). Codex reads through its shell. */
export function readFile(agent: Agent, path: string): SuiteCall['event'] {
  if (agent === 'gemini-cli') return event(agent, 'read_file', { absolute_path: path });
  if (agent === 'codex') return shell(agent, `cat ${path}`);
  return event(agent, 'Read', { file_path: path });
}

/** Fetching a URL: WebFetch (Claude Code), web_fetch with the URL in its prompt (Gemini CLI). */
export function fetchUrl(agent: Agent, url: string): SuiteCall['event'] {
  if (agent === 'gemini-cli') return event(agent, 'web_fetch', { prompt: `Summarise ${url} for me` });
  if (agent === 'codex') return shell(agent, `curl -s ${url}`);
  return event(agent, 'WebFetch', { url, prompt: 'What does this page say?' });
}

/** Any other tool by name (MCP tools, Grep, Glob, read_many_files…), as the given agent sends it. */
export function tool(agent: Agent, name: string, input: Record<string, unknown>): SuiteCall['event'] {
  return event(agent, name, input);
}

const AGENTS: Agent[] = ['claude-code', 'codex', 'gemini-cli'];

/** Builds calls of one kind, spreading them over the three agents in turn. */
export function calls(
  kind: string,
  attack: string,
  make: ((agent: Agent) => SuiteCall['event'])[],
): SuiteCall[] {
  return make.map((m, i) => {
    const agent = AGENTS[i % AGENTS.length] as Agent;
    return { id: `${kind}#${i + 1}`, agent, kind, attack, event: m(agent) };
  });
}
