import type { AgentEvent } from '../schema/index.js';
import type { CommandAnalyzer, CommandFacts } from './command-facts.js';

/** What kind of action a row is part of: the rows of one action share (session, call id, class). */
export type ActionClass = 'exec' | 'read' | 'write' | 'network' | 'violation' | 'other';

/** One agent event enriched for detection: the fields rules match on, plus the action it belongs to. */
export interface Observation {
  event: AgentEvent;
  /** (session, call id or event id, class): counts actions, never rows. */
  actionKey: string;
  actionClass: ActionClass;
  timeMs: number;
  /** The action was refused (by the person, the gate, the sandbox or the proxy). */
  denied: boolean;
  facts: CommandFacts;
  /** Fields for Sigma rules: scalar or list (a list matches when any element does). */
  fields: Record<string, string | string[]>;
  /**
   * Everything the derived fields (binary, path, tags, host…) are computed from, as one string: two observations
   * with the same key and the same plain fields match the same rules (the Sigma detectors' memo key).
   */
  inputKey: string;
}

const basename = (p: string) => p.slice(p.lastIndexOf('/') + 1);

/** A command's Sigma list fields, derived once per analysed command (the analysis itself is memoized). */
interface ListFields {
  binary: string[];
  path: string[];
  path_read: string[];
  path_write: string[];
}
const LIST_FIELDS = new WeakMap<CommandFacts, ListFields>();
const NONE: string[] = [];

function listFields(facts: CommandFacts): ListFields {
  let l = LIST_FIELDS.get(facts);
  if (!l) {
    l = {
      binary: facts.binaries.map(basename),
      path: facts.paths.map((p) => p.path),
      path_read: facts.paths.filter((p) => p.access === 'read').map((p) => p.path),
      path_write: facts.paths.filter((p) => p.access === 'write').map((p) => p.path),
    };
    LIST_FIELDS.set(facts, l);
  }
  return l;
}

const SHELL_TOOLS = /^(bash|shell|exec_command|run_shell_command|ward\.exec|local_shell|container\.exec)$/i;
const QUOTE = (p: string) => `'${p.replace(/'/g, `'\\''`)}'`;

function actionClass(e: AgentEvent): ActionClass {
  switch (e.kind) {
    case 'file_read':
      return 'read';
    case 'file_write':
      return 'write';
    case 'network':
      return 'network';
    case 'sandbox_violation':
      return 'violation';
    case 'command':
    case 'tool_call':
    case 'tool_decision':
    case 'tool_result':
    case 'approval':
      if (e.command !== '' || SHELL_TOOLS.test(e.tool)) return 'exec';
      if (/read|view|cat|open/i.test(e.tool)) return 'read';
      if (/edit|write|patch|replace|create/i.test(e.tool)) return 'write';
      return 'other';
    default:
      return 'other';
  }
}

/** host:port or a URL → host. */
export function hostOf(target: string): string {
  const t = target.trim().toLowerCase();
  const url = /^[a-z][a-z0-9+.-]*:\/\/([^/:?#]+|\[[^\]]+\])/.exec(t);
  if (url) return url[1] ?? '';
  const hp = /^(\[[^\]]+\]|[^:/\s]+)(?::\d+)?$/.exec(t);
  return hp ? (hp[1] ?? '') : '';
}

/**
 * Enriches one event. Shell text goes through the gate's analysis; a file tool's path goes through the same
 * analysis as the equivalent shell read or append, so there is one place that knows which paths matter.
 */
export function observe(e: AgentEvent, analyzer: CommandAnalyzer): Observation {
  const cls = actionClass(e);
  const workspace = e.cwd;
  let facts: CommandFacts;
  if (cls === 'exec') facts = analyzer.analyze(e.command, workspace);
  else if (cls === 'read' && e.target) facts = analyzer.analyze(`cat -- ${QUOTE(e.target)}`, workspace);
  else if ((cls === 'write' || cls === 'violation') && e.target)
    facts = analyzer.analyze(`echo x >> ${QUOTE(e.target)}`, workspace);
  else facts = analyzer.analyze('', workspace);
  const hosts = cls === 'network' ? [hostOf(e.target)].filter(Boolean) : facts.hosts;
  const denied = e.decision === 'deny';
  const lists = listFields(facts);
  const fields: Record<string, string | string[]> = {
    agent: e.agent,
    kind: e.kind,
    action: cls,
    tool: e.tool,
    event_name: e.event_name,
    command: e.command,
    target: e.target,
    decision: e.decision,
    decision_source: e.decision_source,
    cwd: e.cwd,
    user: e.user_id,
    repo: e.repo,
    // the file tools' synthetic `cat`/`echo` are not programs the agent ran
    binary: cls === 'exec' ? lists.binary : NONE,
    binary_path: cls === 'exec' ? facts.binaries : NONE,
    argv: cls === 'exec' ? facts.argv : NONE,
    path: lists.path,
    path_read: lists.path_read,
    path_write: lists.path_write,
    host: hosts,
    tags: facts.tags,
    category: facts.categories,
    attack: facts.attack,
  };
  return {
    event: e,
    actionKey: `${e.session_id}\0${e.call_id || e.event_id}\0${cls}`,
    actionClass: cls,
    timeMs: Date.parse(e.time),
    denied,
    facts: cls === 'network' ? { ...facts, hosts } : facts,
    fields,
    inputKey: `${cls}\0${e.kind}\0${e.tool}\0${e.cwd}\0${e.target}\0${e.command}`,
  };
}
