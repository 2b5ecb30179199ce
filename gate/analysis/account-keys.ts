/**
 * A key or token added to an account, whatever the client: `gh ssh-key add`, `glab deploy-key add`, `hcloud
 * ssh-key create`, `doctl compute ssh-key import`, `heroku keys:add`, `npm token create`, `aws iam
 * create-access-key`, `gh api -X POST /user/keys`. Whoever holds the other half of that key logs in as the
 * user, from anywhere, after the session (and the sandbox) is gone.
 */
import type { Call } from './call.js';
import { report } from './context.js';

/** The credential nouns of a subcommand (`ssh-key`, `deploy-keys`, `keys`, `token`, `key-pair`; not `gpg-key`). */
const KEY_NOUN =
  /^(?:(?:ssh|deploy|access|api|public|personal-access)[-_]?)?(?:keys?|keypairs?|key[-_]pairs?|tokens?)$|^(?:credentials?|sshkeys?)$/i;
/** Verbs that add one (not `generate`: a key made locally is in no account yet). */
const ADD_VERB = /^(?:add|create|import|upload|register|new|issue|mint)$/i;
/** Both in one word: `create-access-key`, `import-key-pair`, `upload-ssh-public-key` (not `create-key`: a KMS key). */
const ADD_KEY_WORD =
  /^(?:add|create|import|upload|register)[-_](?:(?:ssh[-_])?(?:access|api|deploy|public|service[-_]account|ssh)[-_]keys?|(?:ssh[-_])?key[-_]?pairs?|(?:(?:access|api|auth|personal[-_]access)[-_])?tokens?|(?:login[-_])?credentials?)$/i;
/** An API collection of an account's or a repository's keys and tokens (GitHub, GitLab, Gitea shapes). */
const KEY_COLLECTION =
  /(?:^|\/)(?:user|users\/[^/\s]+|orgs\/[^/\s]+|repos\/[^/\s]+\/[^/\s]+|projects\/[^/\s]+)\/(?:keys|deploy_keys|tokens|personal_access_tokens|deploy_tokens|access_tokens)\/?(?:\?.*)?$/;
/** Flags that make an API client write (`gh api -f`, `curl -d`, `-X POST`). */
const WRITES = /^(?:-[fFd]|--(?:field|raw-field|data[\w-]*|input|json|form))$/;
const METHOD = /^(?:-X|--method|--request)$/;

/** The first words of a command that are not options, split at `:` (`keys:add`). */
function subcommandWords(args: readonly string[]): string[] {
  const words: string[] = [];
  for (const a of args) {
    if (words.length >= 6) break;
    if (!a.startsWith('-')) words.push(...a.split(':').filter((w) => w !== ''));
  }
  return words;
}

/** True when the call writes to an account's key collection through an API (`gh api`, `curl`). */
function postsKey(c: Call): boolean {
  if (!c.args.some((a) => KEY_COLLECTION.test(a))) return false;
  return c.args.some(
    (a, i) =>
      WRITES.test(a) ||
      /^--?(?:method|request)=(?:post|put)$/i.test(a) ||
      (METHOD.test(a) && /^(?:post|put)$/i.test(c.args[i + 1] ?? '')) ||
      /^-X(?:POST|PUT)$/.test(a),
  );
}

/**
 * Reports a key or token being added to an account, by the shape of the subcommand. A signing key (GPG, SSH
 * `--type signing`) only marks commits as verified: it lets nobody in, and is left to the other rules.
 */
export function addsAccountKey(c: Call): void {
  if (c.args.some((a, i) => a === '--type=signing' || (a === '--type' && c.args[i + 1] === 'signing')))
    return;
  const words = subcommandWords(c.args);
  const adds = words.some(
    (w, i) => ADD_KEY_WORD.test(w) || (KEY_NOUN.test(w) && ADD_VERB.test(words[i + 1] ?? '')),
  );
  if (adds || postsKey(c))
    report(c.ctx, 'persist.account-key', `${c.name} ${c.args.join(' ')}`.slice(0, 120));
}
