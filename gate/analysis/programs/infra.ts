/**
 * Clients of infrastructure, deployments, data stores and devices (the catalogue's INFRA_CLIENTS), judged by
 * the shape of their subcommands rather than one rule per client:
 * - a destroying verb, also as the head of a subcommand or a flag (`pulumi destroy`, `b2 delete-bucket`, `-purge`, `rclone purge`, `sam delete`, `heroku pg:reset`, `redis-cli FLUSHALL`,
 *   `etcdctl del --prefix`, `db.dropDatabase()`, `DROP TABLE`) destroys what the client manages;
 * - `exec` / `ssh` / `shell` / `run-command` runs a command on another machine, container or device;
 * - `env` / `config` / `secrets` alone or with a reading verb prints the stored configuration, secrets and all;
 * - an account noun next to a creating verb (`mc admin user add`, `rabbitmqctl add_user`, `heroku access:add`), or a
 *   statement that creates or empowers an account (`CREATE USER`, `db.createUser(`, `ACL SETUSER`, `GRANT … TO`),
 *   makes a way back in that outlives the session.
 * Clients with a handler of their own (docker, kubectl, aws…) keep it: commands.ts adds this one to the rest.
 */
import { INFRA_CLIENTS } from '../../catalogue/programs.js';
import type { Handler } from '../call.js';
import { report } from '../context.js';
import { STORAGE_CLIENTS } from '../storage-clients.js';

const DESTROY_VERB =
  /^(?:destroy|purge|flushall|flushdb|nuke|wipe|dropdb|dropuser|terminate|reset|delete|deletefile|remove|rm|rb|drop|flash|erase)$/i;
/** Verbs whose operands are places to copy from and to (`rclone copy . drop:b`): a place is named, not done. */
const COPY_VERB = /^(?:cp|copy|copyto|sync|bisync|mirror|put|upload|move|moveto|mv|rcat)$/i;
/** Destroying statements in a client's query language. */
const DESTROY_STATEMENT =
  /\bdrop(?:Database|Collection)\s*\(|\bdrop\s+(?:database|table|schema|keyspace|collection|bucket)\b|\btruncate\s+table\b|\bdel(?:ete)?\s+--(?:prefix|from-key)\b/i;
/** A destroying verb given as a flag (`nomad job stop -purge`). */
const DESTROY_FLAG = /^--?(?:purge|force-delete|delete-all|drop|wipe|destroy)$/;
const REMOTE_VERB = /^(?:exec|ssh|shell|run-command|send-command|start-session)$/;
const CONFIG_WORD = /^(?:env|config|secrets?|vars|variables)$/;
const READ_VERB = /^(?:list|ls|get|show|export|pull|download|print|dump|reveal|decrypt)$/;
const ACCOUNT_NOUN =
  /^(?:users?|accounts?|logins?|roles?|members?|admins?|collaborators?|access|service-?accounts?|svcacct|(?:ssh|access|api)-?keys?|tokens?|credentials?|passwords?)$/i;
const CREATE_VERB = /^(?:add|create|new|invite|grant|attach|passwd|change-password|reset-password)$/i;
/** Both in one word: `add_user`, `createuser`, `user-add`. */
const ACCOUNT_WORD =
  /^(?:(?:add|create|new)[-_]?(?:user|account|role|login|member|admin)s?|(?:user|account|role|login|member|admin)s?[-_]?(?:add|create|new))$/i;
/** Statements of a client's query language that create an account or give one power. */
const ACCOUNT_STATEMENT =
  /\bcreate\s+(?:user|role|login)\b|\balter\s+(?:user|role|login)\b[^;]*\b(?:password|superuser|sysadmin|createrole)\b|\bgrant\s+[^;]{1,200}?\bto\b|\b(?:db\.)?createUser\s*\(|\bgrantRolesToUser\s*\(|\bACL\s+SETUSER\b|\bCONFIG\s+SET\s+requirepass\b|\bset\s+password\s+for\b/i;

function createsAccount(words: readonly { word: string }[], statement: string): boolean {
  if (ACCOUNT_STATEMENT.test(statement)) return true;
  return words.some(
    (w, i) =>
      ACCOUNT_WORD.test(w.word) ||
      (ACCOUNT_NOUN.test(w.word) &&
        (CREATE_VERB.test(words[i + 1]?.word ?? '') || CREATE_VERB.test(words[i - 1]?.word ?? ''))),
  );
}

/**
 * The subcommand words: the first operands (`-h prod FLUSHALL` too: a client's options come first as often as
 * last), split at `:` (`pg:reset`, `env:list`), each with whether nothing but options follows it. A place in
 * storage as the client names it (`drop:b`, rclone's remote `drop`) is no subcommand, nor is any operand after a
 * copying verb: a remote or folder may have any name.
 */
function subcommands(program: string, args: readonly string[]): { word: string; last: boolean }[] {
  const words: { word: string; last: boolean }[] = [];
  const place = STORAGE_CLIENTS[program]?.place;
  for (let i = 0; i < args.length && words.length < 6; i++) {
    const a = args[i] ?? '';
    if (a.startsWith('-') || place?.(a) === 'remote') continue;
    if (words.some((w) => COPY_VERB.test(w.word))) break;
    const parts = a.split(':').filter((w) => w !== '');
    const last = args.slice(i + 1).every((x) => x.startsWith('-')) || (args[i + 1] ?? '').startsWith('-');
    parts.forEach((word, j) => {
      words.push({ word, last: j === parts.length - 1 && last });
    });
  }
  return words;
}

const infraClient: Handler = (c) => {
  const text = `${c.name} ${c.args.join(' ')}`.slice(0, 100);
  const words = subcommands(c.name, c.args);
  if (
    DESTROY_VERB.test(c.name) ||
    words.some((w) => DESTROY_VERB.test(w.word.split('-')[0] ?? '')) ||
    c.args.some((a) => DESTROY_FLAG.test(a)) ||
    DESTROY_STATEMENT.test(text)
  )
    report(c.ctx, 'destroy.data-store', text);
  if (words.slice(0, 3).some((w) => REMOTE_VERB.test(w.word))) report(c.ctx, 'net.remote-shell', text);
  const k = words.findIndex((w) => CONFIG_WORD.test(w.word));
  const at = words[k];
  if (at && (READ_VERB.test(words[k + 1]?.word ?? '') || at.last))
    report(c.ctx, 'read.stored-credential', text);
  if (createsAccount(words, c.args.join(' ').slice(0, 8_192))) report(c.ctx, 'persist.account', text);
};

export const INFRA_PROGRAMS: Record<string, Handler> = Object.fromEntries(
  [...INFRA_CLIENTS].map((name) => [name, infraClient]),
);
