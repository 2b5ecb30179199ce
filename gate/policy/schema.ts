import { z } from 'zod';
import { GATE_DECISIONS } from '../../schema/fast.js';
import { SandboxPolicy } from './sandbox-policy.js';

export const MODES = ['strict', 'balanced', 'autonomous', 'ci'] as const;
export const Mode = z
  .enum(MODES)
  .describe(
    'strict asks for anything not known safe; balanced (default); autonomous asks only for high risk; ci never asks: what would ask is denied',
  );
export type Mode = z.infer<typeof Mode>;

export const Decision = z.enum(GATE_DECISIONS).describe('what the gate does when the rule matches');
export type Decision = z.infer<typeof Decision>;

const isRegex = (s: string) => {
  try {
    new RegExp(s);
    return true;
  } catch {
    return false;
  }
};

export const CommandMatch = z
  .object({
    prefix: z
      .union([z.string(), z.array(z.string())])
      .optional()
      .describe('argv prefix, e.g. "git push" or ["git","push"]'),
    glob: z.string().optional().describe('glob over the whole command line (* any text, ? one character)'),
    regex: z
      .string()
      .refine(isRegex, { message: 'is not a valid regular expression, so the rule could never match' })
      .optional()
      .describe('JavaScript regular expression over the whole command line'),
  })
  .strict()
  .refine((m) => [m.prefix, m.glob, m.regex].filter((x) => x !== undefined).length === 1, {
    message: 'give exactly one of prefix, glob or regex so it is clear what the rule matches',
  })
  .describe('matches shell commands');

export const Rule = z
  .object({
    id: z
      .string()
      .min(1)
      .regex(/^[\w.:-]+$/, 'use letters, digits, . _ : - so the id can be quoted in reasons')
      .describe('stable id shown in decisions'),
    decision: Decision,
    reason: z
      .string()
      .min(1, 'say why, it is shown to whoever approves')
      .describe('justification shown with the decision'),
    command: CommandMatch.optional(),
    path: z
      .object({
        glob: z.string().min(1).describe('path glob; ** crosses directories, ~ is the home directory'),
        access: z.enum(['read', 'write', 'any']).default('any').describe('which access the rule is about'),
      })
      .strict()
      .optional()
      .describe('matches commands that touch paths'),
    host: z.string().min(1).optional().describe('network host glob, e.g. *.example.com'),
    tool: z.string().min(1).optional().describe('non-shell tool name glob, e.g. Edit, mcp__github__*'),
    match: z.array(z.string()).default([]).describe('example commands that must match (checked at load)'),
    not_match: z
      .array(z.string())
      .default([])
      .describe('example commands that must not match (checked at load)'),
  })
  .strict()
  .refine((r) => [r.command, r.path, r.host, r.tool].filter((x) => x !== undefined).length === 1, {
    message: 'give exactly one of command, path, host or tool so the rule has one subject',
  });
export type Rule = z.infer<typeof Rule>;

export const PolicyFile = z
  .object({
    version: z.literal(1).default(1).describe('policy format version'),
    mode: Mode.optional(),
    thresholds: z
      .object({
        ask: z.number().min(0).max(1).optional().describe('risk at or above which the gate asks'),
        deny: z.number().min(0).max(1).optional().describe('risk at or above which the gate denies'),
      })
      .strict()
      .refine((t) => t.ask === undefined || t.deny === undefined || t.ask <= t.deny, {
        message: 'ask must not exceed deny, or risky commands would be denied before anyone is asked',
      })
      .optional()
      .describe('overrides of the mode thresholds'),
    escalation: z
      .object({
        threshold: z
          .number()
          .min(0)
          .max(1)
          .describe('session anomaly score above which allowed commands ask'),
      })
      .strict()
      .optional()
      .describe('auto-escalation from the live session score'),
    network: z
      .object({
        allow_hosts: z
          .array(z.string().min(1))
          .default([])
          .describe('hosts commands may reach without asking'),
        deny_hosts: z.array(z.string().min(1)).default([]).describe('hosts that are always denied'),
      })
      .strict()
      .optional()
      .describe('network host lists'),
    rules: z.array(Rule).default([]).describe('rules; strictest matching decision wins'),
    hooks: z
      .object({
        auto_approve: z
          .boolean()
          .optional()
          .describe(
            "answer allow for what the gate allows, skipping the agent's own prompt (default false: defer to it); honoured from the org and user policies only",
          ),
      })
      .strict()
      .optional()
      .describe('how agent hooks answer'),
    sandbox: SandboxPolicy.optional().describe(
      'what sandboxed commands may see, write, reach and use (ward exec / ward run); validated by the sandbox runner',
    ),
  })
  .strict();
export type PolicyFile = z.infer<typeof PolicyFile>;
