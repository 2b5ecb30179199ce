/** Analysis of non-shell tool calls (file, fetch, patch, MCP): paths, hosts and behaviour from the arguments. */
export {
  analyzeToolCall,
  type ToolAccess,
  type ToolAnalysis,
  type ToolAnalysisOptions,
  toolAccess,
} from './analyze-tool.js';
export { type FetchTarget, fetchTarget } from './fetch-target.js';
export { TOOL_RULES, type ToolFinding, type ToolRule, type ToolRuleId } from './rules.js';
export { shellPathFindings } from './shell-paths.js';
