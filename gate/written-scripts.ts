import { posix } from 'node:path';
import type { RiskReason } from '../schema/index.js';
import { analysisBudgetMs, MAX_ANALYSED_CHARS, type ShellParser } from './analysis/index.js';
import { classifyPath } from './analysis/paths.js';
import { commandsOf, isProgramCode, leastRisk, scriptKind, UNJUDGED } from './analysis/script-kinds.js';
import { shownFindings } from './analysis/script-written.js';
import type { ResolvedPolicy } from './policy/load.js';
import { judgeShellText, reason, type ShellJudgement, toolReason } from './shell-judgement.js';
import { type FileWritten, filesWrittenByPatch, filesWrittenByTool } from './tools/files-written.js';
import { TOOL_RULES, type ToolAccess } from './tools/index.js';
import { writtenConfigReason } from './written-config.js';

/** Reads up to `maxBytes` of a file as text (the caller's I/O; the gate does none), undefined when unreadable. */
export type ReadText = (path: string, maxBytes: number) => string | undefined;

/** The entries of a directory, a directory's name ending in `/` (the caller's I/O), undefined when unlistable. */
export type ListDir = (dir: string) => string[] | undefined;

export interface WrittenScriptOptions {
  parser: ShellParser;
  policy: ResolvedPolicy;
  workspace: string;
  home: string;
  cwd?: string | undefined;
  /** Resolves a tool's path argument (`~`, relative to cwd) as the tool analysis does. */
  resolve: (path: string) => string;
  readText?: ReadText | undefined;
}

/** A written script asks as its commands would, but never denies: writing is not running. */
const MOST = TOOL_RULES['tool.write-script'].risk;

/** An MCP tool that writes files by its name (`mcp__filesystem__write_file`, `edit_file`, `create_file`). */
const MCP_WRITES =
  /(?:^|[_\-.])(?:write|edit|create|append|save|put)(?:[_\-.]?(?:file|text|to_file))?(?:$|[_\-.])/i;

interface Scored {
  r: RiskReason;
  risk: number;
}

/** Text of a file before the call, with everything the call does applied (undefined when a piece is unplaced). */
function applyEdits(before: string, f: FileWritten): string | undefined {
  let text = before;
  for (const e of f.edits) {
    if (e.old === undefined || !text.includes(e.old)) return undefined;
    text = e.all ? text.split(e.old).join(e.new) : text.replace(e.old, () => e.new);
  }
  return text;
}

/**
 * What the scripts, build files and package scripts a write or patch call writes would do when run (and what a
 * package manager's config it writes makes the manager run: written-config.ts): judged as
 * the gate judges those commands typed, and only what the call adds (a script that already held a `curl | sh`
 * asks again only when the call adds another finding). With the file's current text the call's edits are
 * applied to it; without, each piece is judged on its own.
 */
export function writtenScriptReasons(
  tool: string,
  access: ToolAccess,
  input: Record<string, unknown>,
  o: WrittenScriptOptions,
): { risk: number; reasons: RiskReason[] } {
  const patch =
    typeof input.command === 'string'
      ? input.command
      : typeof input.patch === 'string'
        ? input.patch
        : typeof input.input === 'string'
          ? input.input
          : '';
  const files =
    access === 'patch'
      ? filesWrittenByPatch(patch)
      : access === 'write' || (access === 'unknown' && MCP_WRITES.test(tool))
        ? filesWrittenByTool(input)
        : [];
  const deadline = performance.now() + analysisBudgetMs(MAX_ANALYSED_CHARS / 4);
  let budget = MAX_ANALYSED_CHARS;
  let risk = 0;
  const reasons: RiskReason[] = [];
  for (const f of files) {
    const path = o.resolve(f.path);
    // Only the project's and temporary files are read, as for a script a command runs: a reason must not carry
    // what a file elsewhere (a key, a config under ~) holds.
    const zone = classifyPath(path, { workspace: o.workspace }).zone;
    const readable = zone === 'workspace' || zone === 'temp';
    const before = readable ? o.readText?.(path, MAX_ANALYSED_CHARS + 1) : undefined;
    const known = before !== undefined && before.length <= MAX_ANALYSED_CHARS;
    const after =
      f.content ??
      (known ? (applyEdits(before, f) ?? `${before}\n${f.edits.map((e) => e.new).join('\n')}`) : undefined);
    const config = writtenConfigReason(
      path,
      known ? before : undefined,
      after !== undefined ? [after] : f.edits.map((e) => e.new),
      o.policy.hosts,
    );
    if (config) {
      risk = Math.max(risk, config.risk);
      reasons.push(config.reason);
    }
    const kind = scriptKind(path, after ?? before ?? f.edits[0]?.new ?? '');
    if (!kind) continue;
    const dir = posix.dirname(path);
    const cwd = dir === o.workspace || dir.startsWith(`${o.workspace}/`) ? dir : o.cwd;
    const judge = (texts: string[]) => {
      const found = new Map<string, Scored>();
      const keep = (j: ShellJudgement) =>
        j.reasons.forEach((r, i) => {
          if (!UNJUDGED.has(r.rule_id) && (j.risks[i] ?? 1) >= leastRisk(kind))
            found.set(`${r.rule_id}\u0000${r.detail}`, { r, risk: j.risks[i] ?? 1 });
        });
      for (const text of texts) {
        budget -= text.length;
        if (budget < 0) {
          const detail = `the scripts this call writes pass ${MAX_ANALYSED_CHARS / 1024} KiB`;
          found.set('unanalysable', { r: reason('exec.unanalysable', detail), risk: 0.8 });
          break;
        }
        const j = judgeShellText(text, { ...o, cwd, deadline });
        // A piece of a script need not parse alone (the end of an `if`), and what the grammar cannot read bash
        // may still run: the lines are judged one by one then, as well.
        if (j.reasons.some((r) => r.rule_id === 'exec.unparseable'))
          for (const line of text.split('\n')) keep(judgeShellText(line, { ...o, cwd, deadline }));
        keep(j);
      }
      return found;
    };
    const now =
      after !== undefined
        ? judge(commandsOf(kind, after, true))
        : // A piece of a recipe line or of a package script is a command, or part of one, as it stands; a
          // piece of code is not.
          judge([
            ...f.edits.flatMap((e) => commandsOf(kind, e.new, false)),
            ...(kind === 'shell' || isProgramCode(kind) ? [] : f.edits.map((e) => e.new)),
          ]);
    // What the file held before matters only when there is something now to tell apart from it.
    const then =
      known && after !== undefined && now.size > 0 ? judge(commandsOf(kind, before, true)) : new Map();
    const added = [...now].filter(([k]) => !then.has(k)).map(([, v]) => v);
    if (added.length === 0) continue;
    const top = Math.min(MOST, Math.max(...added.map((a) => a.risk)));
    risk = Math.max(risk, top);
    const shown = shownFindings(new Map(added.map((a) => [`${a.r.rule_id}: ${a.r.detail}`, a.risk])));
    reasons.push(toolReason('tool.write-script', `${path} (${kind}): ${shown}`));
  }
  return { risk, reasons };
}
