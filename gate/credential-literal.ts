import { createRedactor, type RedactionKind } from '../schema/fast.js';

/**
 * Credentials with a shape of their own (the redactor's patterns, the same ones that keep them out of storage).
 * Not `password=…` assignments: setup commands are full of local databases' passwords (`POSTGRES_PASSWORD=postgres`).
 */
const KINDS = [
  'private-key',
  'anthropic-key',
  'openai-key',
  'google-api-key',
  'github-token',
  'gitlab-token',
  'slack-token',
  'stripe-key',
  'npm-token',
  'pypi-token',
  'huggingface-token',
  'sendgrid-key',
  'aws-access-key-id',
  'aws-secret-key',
  'jwt',
  'url-password',
  'authorization',
] as const satisfies readonly RedactionKind[];

/**
 * What stands for a credential kept elsewhere rather than being one: shell expansions (`$TOKEN`, `${TOKEN}`,
 * `$(pass show x)`) and placeholders (`{{token}}`, `<token>`). Taken out before the scan, so
 * `https://me:$PASS@host` is not a password written out.
 */
const STAND_INS = /\$\{[^}]*\}|\$\([^)]*\)|\$[A-Za-z_][A-Za-z0-9_]*|\{\{[^}]*\}\}|<[^<>\s]+>/g;

/** Strings looked at in one call, and nesting followed in its arguments: a hook body is bounded anyway. */
const MAX_TEXTS = 1_000;
const MAX_DEPTH = 8;

const redactor = createRedactor({ kinds: [...KINDS] });

/**
 * The kinds of credential written out in these texts (a command line, a tool's arguments). An agent that puts
 * one in a call has it in hand, whatever read it (an approved read, a script the gate cannot see into, the
 * conversation): the call uses or moves it, and a human should see where it goes.
 */
export function credentialsWrittenOut(texts: readonly string[]): string[] {
  const before = { ...redactor.hits };
  for (const t of texts.slice(0, MAX_TEXTS)) redactor.text(t.replace(STAND_INS, ''));
  return KINDS.filter((k) => (redactor.hits[k] ?? 0) > (before[k] ?? 0));
}

/** Every string in a tool's arguments (keys included: a header's name can hold the credential's shape). */
export function argumentTexts(value: unknown, out: string[] = [], depth = 0): string[] {
  if (out.length >= MAX_TEXTS || depth > MAX_DEPTH) return out;
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) argumentTexts(v, out, depth + 1);
  else if (value !== null && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) {
      out.push(k);
      argumentTexts(v, out, depth + 1);
    }
  return out;
}
