import type { ToolRuleId } from './rules.js';

/**
 * What an MCP (or other unknown) tool does, from the verb in its name: the first word of the name that is a
 * verb decides (`get_workflow_run` reads, `browser_evaluate` runs code, `send_email` sends). Data: a verb
 * joins a row. Read verbs are listed so that a later word does not decide for them.
 */
const VERBS: [RegExp, ToolRuleId | null][] = [
  [
    /^(get|list|read|search|find|fetch|query|describe|show|view|lookup|count|check|status|download|inspect|browse|select|snapshot|screenshot|navigate|hover|wait|resolve|explain|analy[sz]e|diff|compare|preview|validate|lint|format|open|load)$/,
    null,
  ],
  [
    /^(exec|execute|run|eval|evaluate|spawn|invoke|shell|sh|bash|terminal|interpret|launch|start)$/,
    'tool.mcp-exec',
  ],
  [
    /^(delete|remove|rm|drop|destroy|purge|truncate|wipe|erase|revoke|terminate|kill|force|reset|uninstall|archive|close|merge|rollback|prune)$/,
    'tool.mcp-destroy',
  ],
  [
    /^(send|post|publish|push|email|mail|upload|share|tweet|notify|broadcast|forward|reply|invite|transfer|pay|deploy|release)$/,
    'tool.mcp-send',
  ],
];

/** SQL that destroys or changes rights, in a query argument (DELETE and UPDATE are judged per statement). */
const DESTRUCTIVE_SQL =
  /\b(drop\s+(table|database|schema|index|view|user)|truncate\s+(table\s+)?\w|alter\s+(table|user|role)|grant\s+\w|revoke\s+\w)/i;
/** A statement that deletes or updates rows, with the table spelled any way (`public.users`, `"users"`). */
const ROW_CHANGE = /\b(delete\s+from|update\s+\S+(\s+(as\s+)?\w+)?\s+set)\b/i;
/** A WHERE that selects rows: not absent, not always true (`1=1`, `true`, `'a'='a'`, `x = x`). */
const TAUTOLOGY =
  /\bwhere\s+(\(\s*)*(true|not\s+false|(\S+)\s*=\s*\3|1\s*(>|<>|!=)\s*0|0\s*<\s*1)\s*\)*\s*(;|$|returning\b)/i;

/** Statements of SQL as written and with comments removed (a comment hides a keyword's spacing: DROP/**\/TABLE). */
function sqlSpellings(sql: string): string[] {
  const bare = sql
    .replace(/\/\*[\s\S]*?\*\//g, ' ')
    .replace(/--[^\n]*/g, ' ')
    .replace(/#[^\n]*/g, ' ');
  return [sql, bare];
}

function destructiveSql(sql: string): boolean {
  for (const text of sqlSpellings(sql)) {
    if (DESTRUCTIVE_SQL.test(text)) return true;
    for (const stmt of text.split(';'))
      if (ROW_CHANGE.test(stmt) && (!/\bwhere\b/i.test(stmt) || TAUTOLOGY.test(`${stmt.trim()};`)))
        return true;
  }
  return false;
}

const QUERY_KEY = /^(sql|query|statement|statements|command|cypher|script)$/i;

/** The words of a tool's name without its `mcp__server__` prefix (snake, kebab, dotted and camel case). */
function words(tool: string): string[] {
  return tool
    .replace(/^mcp_+[^_]+_+/, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .split(/[_\-.\s/]+/)
    .filter((w) => w !== '');
}

/** The finding an unknown tool's name raises (null when its verb reads or none is known). */
export function mcpAction(tool: string): ToolRuleId | null {
  for (const w of words(tool).slice(0, 6)) {
    const row = VERBS.find(([re]) => re.test(w));
    if (row) return row[1];
  }
  return null;
}

/** Whether an unknown tool's name says it only reads (`get_issue`, `search_code`): its first known verb reads. */
export function mcpOnlyReads(tool: string): boolean {
  for (const w of words(tool).slice(0, 6)) {
    const row = VERBS.find(([re]) => re.test(w));
    if (row) return row[1] === null;
  }
  return false;
}

/** Destructive SQL in one argument (`DROP TABLE`, `DELETE FROM t` without a WHERE), for query tools. */
export function destructiveQuery(key: string, value: string): boolean {
  return QUERY_KEY.test(key) && value.length < 65_536 && destructiveSql(value);
}
