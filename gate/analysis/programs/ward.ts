/**
 * Ward's own CLI run by the agent. Its admin commands take their token from `WARD_ADMIN_TOKEN` or the admin
 * token Ward keeps on disk, not from the runner token the agent was given: an agent that runs `ward approvals
 * approve` decides its own ask with an analyst's authority, and one that runs `ward token create` mints it.
 */
import { type Call, type Handler, operands } from '../call.js';
import { report } from '../context.js';

/** Subcommands that change what Ward decides or records: approvals, alert triage, tokens, the agents' hooks. */
const CHANGES = /^(approvals\s+(?!list\b)\S|alerts\s+(?!(list|show)\b)\S|token\b|install\b)/;
/** Subcommands that only read, but with the admin or an analyst token taken from disk. */
const READS_AS_ADMIN = /^(approvals|alerts|report|audit|analyze)\b/;
/** The CLI's entry points when run through node or npx (`node bin/ward.mjs`, `node dist/cli/ward.js`). */
const WARD_SCRIPT = /(^|\/)(bin\/ward\.mjs|cli\/ward\.[jt]s)$/;

function judge(c: Call, args: readonly string[]): void {
  const text = args.join(' ');
  if (CHANGES.test(text)) report(c.ctx, 'evade.ward-admin', `ward ${text}`.slice(0, 100));
  else if (READS_AS_ADMIN.test(text)) report(c.ctx, 'read.agent-credentials', `ward ${text}`.slice(0, 100));
}

const ward: Handler = (c) => judge(c, c.args);

/** `node bin/ward.mjs …`, `npx ward …`, `npx @ward/cli …`: the same CLI. */
const throughNode: Handler = (c) => {
  const [script] = operands(c.args);
  if (script === undefined) return;
  const at = c.args.indexOf(script);
  if (WARD_SCRIPT.test(script) || (c.name !== 'node' && /^(ward|@[\w-]+\/ward(-cli)?)$/.test(script)))
    judge(c, c.args.slice(at + 1));
};

export const WARD_PROGRAMS: Record<string, Handler> = { ward, node: throughNode, npx: throughNode };
