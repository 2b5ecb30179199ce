import { z } from 'zod';
import { REDACTION_KINDS } from './patterns.js';

/** Named groups and back-references would clash with the combined pattern's own groups. */
function customPatternProblem(source: string): string | null {
  try {
    const re = new RegExp(source);
    if (re.test('')) return 'matches the empty string';
  } catch (err) {
    return `is not a valid regular expression (${(err as Error).message})`;
  }
  if (/\(\?<[A-Za-z]/.test(source) || /\\k</.test(source)) return 'uses named groups (use plain groups)';
  if (/\\[1-9]/.test(source)) return 'uses back-references (not supported in the combined pattern)';
  return null;
}

export const CustomRedactionPattern = z
  .object({
    name: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'lowercase letters, digits and dashes (it appears in the marker)')
      .describe('Kind named in the marker, e.g. `acme-key` gives [REDACTED:acme-key]'),
    regex: z.string().min(1).describe('JavaScript regular expression source, case-sensitive, no flags'),
  })
  .superRefine((p, ctx) => {
    const problem = customPatternProblem(p.regex);
    if (problem) ctx.addIssue({ code: 'custom', path: ['regex'], message: `pattern ${p.name} ${problem}` });
  });

export const RedactionConfig = z.object({
  kinds: z
    .array(z.enum(REDACTION_KINDS))
    .default([...REDACTION_KINDS])
    .describe('Built-in secret kinds to redact; all by default. Remove one to keep such values in clear'),
  custom: z
    .array(CustomRedactionPattern)
    .default([])
    .describe('Extra site-specific patterns, matched after the built-in ones'),
});
export type RedactionConfig = z.infer<typeof RedactionConfig>;
export type RedactionConfigInput = z.input<typeof RedactionConfig>;
