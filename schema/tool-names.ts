/**
 * Tool names that run a shell command, across agents (Codex, Claude Code, Gemini CLI, common MCP shells),
 * lower case. One list for the hooks (whose `tool_input.command` is then shell text) and the normalizers.
 */
export const SHELL_TOOL_NAMES: ReadonlySet<string> = new Set([
  'exec_command',
  'shell',
  'local_shell',
  'shell_command',
  'container.exec',
  'unified_exec',
  'bash',
  'run_shell_command',
  'execute_command',
  'run_command',
  'terminal',
]);

/** True for a tool that runs a shell command (any case: Claude Code says `Bash`, Codex `shell`). */
export function isShellTool(name: string): boolean {
  return SHELL_TOOL_NAMES.has(name.toLowerCase());
}
