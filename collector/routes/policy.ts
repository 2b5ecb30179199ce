import { isAbsolute } from 'node:path';
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { z } from 'zod';
import { createGate, discoverPolicyLayers, loadPolicy, PolicyError } from '../../gate/index.js';
import type { Authorize } from '../middleware/auth.js';
import { explainPolicy } from './policy-view.js';

const Workspace = z
  .string()
  .max(4096)
  .refine((s) => isAbsolute(s) && !s.includes('\0'), 'must be an absolute path')
  .optional()
  .describe('Project directory whose .ward/policy.yaml is the project layer (default: the server’s)');

const CheckBody = z.object({
  command: z.string().min(1).max(65_536).describe('A shell command line, as an agent would run it'),
  cwd: Workspace,
});

export interface PolicyRouteDeps {
  authorize: Authorize;
  /** Home directory whose ~/.ward/policy.yaml is the user layer (the server user's). */
  home: string;
  /** Workspace used when the request names none. */
  workspace: string;
}

/** GET /api/policy?cwd= (the effective policy with sources), POST /api/gate/check (the gate's decision). */
export function policyRoutes(deps: PolicyRouteDeps) {
  const app = new Hono();
  const load = async (cwd: string | undefined) => {
    const workspace = cwd ?? deps.workspace;
    const layers = discoverPolicyLayers({ workspace, home: deps.home });
    try {
      return { workspace, layers, policy: await loadPolicy(layers) };
    } catch (err) {
      if (err instanceof PolicyError)
        throw new HTTPException(422, { message: `the policy does not load: ${err.message}` });
      throw err;
    }
  };

  app.get('/policy', deps.authorize('readPolicy'), async (c) => {
    const cwd = Workspace.safeParse(c.req.query('cwd'));
    if (!cwd.success) throw new HTTPException(400, { message: 'invalid cwd', cause: cwd.error });
    const { workspace, layers, policy } = await load(cwd.data);
    return c.json(await explainPolicy(policy, layers, workspace));
  });

  app.post('/gate/check', deps.authorize('readPolicy'), async (c) => {
    const body = CheckBody.safeParse(await c.req.json().catch(() => undefined));
    if (!body.success)
      throw new HTTPException(400, { message: 'give {"command": "..."}', cause: body.error });
    const { workspace, policy } = await load(body.data.cwd);
    const gate = await createGate({ policy, workspace, deferParser: true });
    const decision = await gate.decideAsync({ command: body.data.command, cwd: workspace });
    return c.json({ ...decision, command: body.data.command, policy_sources: policy.sources });
  });
  return app;
}
