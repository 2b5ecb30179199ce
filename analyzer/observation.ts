import { type AgentEvent, isShellTool } from '../schema/index.js';
import { isRecipeFile, recipeWriteCommand } from './build-recipes.js';
import type { AnalysisWanted, CommandAnalyzer, CommandFacts } from './command-facts.js';
import { unanalysedFacts } from './facts.js';
import { writtenContent, writtenText } from './written-text.js';

/** What kind of action a row is part of: the rows of one action share (session, call id, class). */
export type ActionClass = 'exec' | 'read' | 'write' | 'network' | 'violation' | 'other';

/** One agent event enriched for detection: the fields rules match on, plus the action it belongs to. */
export interface Observation {
  readonly event: AgentEvent;
  /** (session, call id or event id, class): counts actions, never rows. */
  readonly actionKey: string;
  readonly actionClass: ActionClass;
  readonly timeMs: number;
  /** The action was refused (by the person, the gate, the sandbox or the proxy). */
  readonly denied: boolean;
  readonly facts: CommandFacts;
  /** Fields for Sigma rules: scalar or list (a list matches when any element does). */
  readonly fields: Record<string, string | string[]>;
  /**
   * Everything the derived fields (binary, path, tags, host…) are computed from, as one string: two observations
   * with the same key and the same plain fields match the same rules (the Sigma detectors' memo key).
   */
  readonly inputKey: string;
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
      if (e.command !== '' || isShellTool(e.tool)) return 'exec';
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

/** An observation: the cheap parts computed at once, the Sigma field map only when a rule has to read it. */
class Obs implements Observation {
  private fieldMap: Record<string, string | string[]> | undefined;
  private key: string | undefined;
  private action: string | undefined;
  constructor(
    readonly event: AgentEvent,
    readonly actionClass: ActionClass,
    readonly facts: CommandFacts,
    readonly denied: boolean,
    readonly timeMs: number,
  ) {}

  get actionKey(): string {
    if (this.action === undefined) {
      const e = this.event;
      this.action = `${e.session_id}\0${e.call_id || e.event_id}\0${this.actionClass}`;
    }
    return this.action;
  }

  get inputKey(): string {
    if (this.key === undefined) {
      const e = this.event;
      this.key = `${this.actionClass}\0${e.kind}\0${e.tool}\0${e.cwd}\0${e.target}\0${e.command}`;
    }
    return this.key;
  }

  get fields(): Record<string, string | string[]> {
    if (this.fieldMap) return this.fieldMap;
    const e = this.event;
    const cls = this.actionClass;
    const facts = this.facts;
    const lists = listFields(facts);
    this.fieldMap = {
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
      host: facts.hosts,
      tags: facts.tags,
      category: facts.categories,
      attack: facts.attack,
      content: writtenText(e, cls),
    };
    return this.fieldMap;
  }
}

/** The analysis `observe` will ask of the analyzer for this event's action. */
function wantedAnalysis(e: AgentEvent, cls: ActionClass): AnalysisWanted | undefined {
  if (cls === 'exec') return { command: e.command, workspace: e.cwd };
  if (!e.target) return undefined;
  if (cls === 'read') return { file: 'read', path: e.target, workspace: e.cwd };
  if (cls === 'write' || cls === 'violation') return { file: 'write', path: e.target, workspace: e.cwd };
  return undefined;
}

/**
 * A file tool's write of a build recipe (package.json, a Makefile…: analyzer/build-recipes.ts): undefined when it
 * writes none; else the shell write of its text, whose analysis reads what the recipe sets a build to run, or ''
 * when the text is not known (not exported, several files at once).
 */
function recipeWrite(e: AgentEvent, cls: ActionClass): string | undefined {
  if (cls !== 'write' || !e.target.split(/, (?=[/~.\w])/).some(isRecipeFile)) return undefined;
  const text = writtenContent(e);
  return text === '' ? '' : (recipeWriteCommand(e.target, text) ?? '');
}

/** The analyses `observe` will ask of the analyzer for this event (prepared ahead for a whole batch). */
export function wantedAnalyses(e: AgentEvent): AnalysisWanted[] {
  const cls = actionClass(e);
  const wanted = wantedAnalysis(e, cls);
  const recipe = recipeWrite(e, cls);
  return [...(wanted ? [wanted] : []), ...(recipe ? [{ command: recipe, workspace: e.cwd }] : [])];
}

/**
 * Enriches one event. Shell text goes through the gate's analysis; a file tool's path goes through the same
 * analysis as the equivalent shell read or append, so there is one place that knows which paths matter.
 */
export function observe(e: AgentEvent, analyzer: CommandAnalyzer): Observation {
  const cls = actionClass(e);
  const wanted = wantedAnalysis(e, cls);
  let facts: CommandFacts;
  if (!wanted) facts = analyzer.analyze('', e.cwd);
  else if ('command' in wanted) facts = analyzer.analyze(wanted.command, wanted.workspace);
  else facts = analyzer.analyzeFile(wanted.file, wanted.path, wanted.workspace);
  // What a recipe the write sets a build to run, as a shell write of the same text would say.
  const recipe = recipeWrite(e, cls);
  if (recipe !== undefined) {
    const later = recipe === '' ? [unanalysedFacts()] : (analyzer.analyze(recipe, e.cwd).later ?? []);
    if (later.length > 0) facts = { ...facts, later };
  }
  if (cls === 'network') {
    const host = hostOf(e.target);
    facts = { ...facts, hosts: host ? [host] : [] };
  }
  return new Obs(e, cls, facts, e.decision === 'deny', Date.parse(e.time));
}
