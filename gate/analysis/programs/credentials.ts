/**
 * Programs whose subcommand prints a stored credential: a token, a password, a private key or a kubeconfig
 * with its client keys. Reading the credential store through its own client is reading the credential store.
 * Data: one row per program, a pattern over its arguments (joined by spaces); the next client is a row.
 */
import type { Handler } from '../call.js';
import { report } from '../context.js';

const PRINTS_CREDENTIAL: Record<string, RegExp> = {
  gh: /\bauth\s+token\b|\bauth\s+status\b.*\s(-t|--show-token)\b/,
  glab: /\bauth\s+status\b.*\s(-t|--show-token)\b|\bconfig\s+get\s+token\b/,
  git: /(^|\s)credential\s+fill\b|(^|\s)credential-\w+\s+get\b/,
  kubectl:
    /\bconfig\s+view\b.*(--raw|--flatten)\b|\bget\s+secrets?\b.*\s(-o|--output)[=\s]?(ya?ml|json|jsonpath|go-template)|\bcreate\s+token\b/,
  oc: /\bconfig\s+view\b.*--raw\b|\bwhoami\s+(-t|--show-token)\b|\bget\s+secrets?\b.*\s-o/,
  gcloud: /\bprint-(access|identity)-token\b|\bconfig\s+config-helper\b|\bsecrets\s+versions\s+access\b/,
  az: /\bget-access-token\b|\bkeyvault\s+secret\s+(show|download)\b|\bcredential\s+reset\b/,
  aws: /\bconfigure\s+(get\s+\S*(secret|key|token)|export-credentials)\b|\bget-session-token\b|\bget-secret-value\b|\bget-login-password\b|\bget-role-credentials\b|\bget-parameters?\b.*--with-decryption\b|\bget-authorization-token\b/,
  vault: /^(kv\s+get|read|print\s+token|token\s+(lookup|create)|login\b.*-token-only)\b/,
  op: /^(read|item\s+get|document\s+get|signin\s+--raw)\b/,
  bw: /^(get\s+(password|item|notes|totp)|list\s+items|unlock\s+--raw|export)\b/,
  lpass: /^(show|export)\b/,
  sops: /(^|\s)(-d|--decrypt|decrypt|exec-env|exec-file)\b/,
  'ansible-vault': /^(view|decrypt)\b/,
  chamber: /^(export|read|env|exec)\b/,
  envchain: /\s(env|printenv)\b/,
  doppler: /^(secrets(\s+(get|download))?|run)\b/,
  keyring: /^get\b/,
  pass: /^(show\s+)?[\w@.-]+\/[\w@./-]+$|^show\b/,
  gopass: /^(show|cat)\b/,
  'secret-tool': /^lookup\b/,
  'kwallet-query': /\s-r\b|--read-password\b/,
  security: /\bfind-(generic|internet)-password\b.*\s-[wg]\b|\bdump-keychain\b/,
  heroku: /^auth:token\b/,
  doctl: /^auth\s+token\b/,
  flyctl: /^auth\s+token\b/,
  fly: /^auth\s+token\b/,
  npm: /\bconfig\s+get\s+\S*_auth/,
  'docker-credential-desktop': /^(get|list)\b/,
  'docker-credential-osxkeychain': /^(get|list)\b/,
  'docker-credential-secretservice': /^(get|list)\b/,
  'docker-credential-pass': /^(get|list)\b/,
  'docker-credential-ecr-login': /^(get|list)\b/,
  'docker-credential-gcloud': /^(get|list)\b/,
  'git-credential-store': /^get\b/,
  'git-credential-cache': /^get\b/,
  'git-credential-libsecret': /^get\b/,
  'git-credential-osxkeychain': /^get\b/,
  'git-credential-manager': /^get\b/,
};

/** Handlers that report a credential printed by its own client, by program name. */
export const CREDENTIAL_PROGRAMS: Record<string, Handler> = Object.fromEntries(
  Object.entries(PRINTS_CREDENTIAL).map(([name, re]) => [
    name,
    (c) => {
      const text = c.args.join(' ');
      if (re.test(text)) report(c.ctx, 'read.stored-credential', `${name} ${text}`.slice(0, 100));
    },
  ]),
);
