import { setFlagsFromString } from 'node:v8';
import type { Facts } from '../analysis/index.js';
import { hostMatches } from '../analysis/network.js';
import type { Decision, Rule } from './schema.js';

export type Layer = 'default' | 'org' | 'user' | 'project' | 'inline';

/** A rule ready to match: the data it came from plus a predicate over one command's facts. */
export interface CompiledRule {
  id: string;
  decision: Decision;
  reason: string;
  layer: Layer;
  subject: 'command' | 'path' | 'host' | 'tool';
  test(line: string, facts: Facts | null, tool?: string): boolean;
}

let linearEngine = false;

/** The text a user's or project's command pattern reads. */
const LINEAR_TEXT_CHARS = 64 * 1024;

/**
 * A regular expression V8 runs in time linear in the text (its experimental engine, enabled once): a project's
 * policy comes with the repository, and `(a+)+b` against a long command held the hook past the agent's timeout,
 * which lets the tool run. Back-references and look-arounds cannot run so and are refused.
 */
export function linearRegExp(source: string, flags = ''): RegExp {
  if (!linearEngine) {
    setFlagsFromString('--enable-experimental-regexp-engine');
    linearEngine = true;
  }
  try {
    return new RegExp(source, `${flags}l`);
  } catch (err) {
    throw new Error(
      `/${source.slice(0, 80)}/ cannot be checked in linear time (${err instanceof Error ? err.message : String(err)})`,
    );
  }
}

export function globToRegExp(glob: string, opts: { path?: boolean; linear?: boolean } = {}): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i] ?? '';
    if (ch === '*' && glob[i + 1] === '*') {
      re += '.*';
      i++;
    } else if (ch === '*') re += opts.path ? '[^/]*' : '.*';
    else if (ch === '?') re += '.';
    else re += ch.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return opts.linear ? linearRegExp(`^${re}$`, 's') : new RegExp(`^${re}$`, 's');
}

export function compileRule(rule: Rule, layer: Layer): CompiledRule {
  const base = { id: rule.id, decision: rule.decision, reason: rule.reason, layer };
  // The project's file comes with the repository, and the user's is the agent's own user's to write (a script
  // can): their patterns run in linear time. The organisation's (root's) may use any.
  const linear = layer === 'project' || layer === 'user';
  if (rule.command) {
    const { prefix, glob, regex } = rule.command;
    if (prefix !== undefined) {
      const words = Array.isArray(prefix) ? prefix : prefix.split(/\s+/).filter(Boolean);
      return {
        ...base,
        subject: 'command',
        test: (_line, facts) => (facts?.argvs ?? []).some((argv) => words.every((w, i) => argv[i] === w)),
      };
    }
    const re =
      glob !== undefined
        ? globToRegExp(glob, { linear })
        : linear
          ? linearRegExp(regex ?? '')
          : new RegExp(regex ?? '');
    // A linear pattern's time grows with the text too: it reads the first 64 KiB of a command.
    const cut = linear ? LINEAR_TEXT_CHARS : Number.POSITIVE_INFINITY;
    return { ...base, subject: 'command', test: (line) => re.test(line.trim().slice(0, cut)) };
  }
  if (rule.path) {
    const re = globToRegExp(rule.path.glob, { path: true, linear });
    const access = rule.path.access;
    return {
      ...base,
      subject: 'path',
      test: (_l, facts) =>
        (facts?.paths ?? []).some((p) => (access === 'any' || p.access === access) && re.test(p.path)),
    };
  }
  if (rule.host) {
    const pattern = rule.host;
    return {
      ...base,
      subject: 'host',
      test: (_l, facts) => (facts?.hosts ?? []).some((h) => hostMatches(h, pattern)),
    };
  }
  const re = globToRegExp(rule.tool ?? '', { linear });
  return { ...base, subject: 'tool', test: (_l, _f, tool) => tool !== undefined && re.test(tool) };
}

const ORDER: Record<Decision, number> = { allow: 0, ask: 1, deny: 2 };

/** deny > ask > allow. */
export function strictest(a: Decision, b: Decision): Decision {
  return ORDER[a] >= ORDER[b] ? a : b;
}
