import { Hono, type MiddlewareHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { streamSSE } from 'hono/streaming';
import { z } from 'zod';
import {
  type Approval,
  ApprovalDecisionInput,
  type ApprovalDecisionResult,
  ApprovalRequestInput,
  ApprovalStatus,
} from '../../schema/index.js';
import {
  type ApprovalService,
  AskingTooOften,
  AuditPendingError,
  type Caller,
  isFinal,
  TooManyPending,
} from '../approvals/index.js';
import type { Authorize } from '../middleware/auth.js';
import type { HoldLimit } from '../middleware/hold-limit.js';

const ListQuery = z.object({
  status: ApprovalStatus.optional().describe('Only requests in this state'),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(1000)
    .default(100)
    .describe('Most requests returned, newest first'),
});

const WaitQuery = z.object({
  timeout_s: z.coerce
    .number()
    .min(0)
    .max(300)
    .default(30)
    .describe('Longest the call holds before answering with the current state'),
});

const ID = z.string().min(1).max(128);

/** Approval lists read at once: each may hold megabytes (store LIST_MAX_BYTES) a few times over. */
const LISTS_AT_ONCE = 4;

/** Runs at most `n` calls at once; the others wait their turn in order (nothing is refused). */
function createTurns(n: number) {
  let free = n;
  const waiting: (() => void)[] = [];
  return async <T>(fn: () => Promise<T>): Promise<T> => {
    if (free > 0) free--;
    else await new Promise<void>((r) => waiting.push(r));
    try {
      return await fn();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else free++;
    }
  };
}

async function readJson(req: { json(): Promise<unknown> }): Promise<unknown> {
  try {
    return await req.json();
  } catch {
    throw new HTTPException(400, { message: 'body is not valid JSON' });
  }
}

function parseId(raw: string): string {
  const id = ID.safeParse(raw);
  if (!id.success) throw new HTTPException(400, { message: 'invalid approval id', cause: id.error });
  return id.data;
}

async function mustGet(service: ApprovalService, id: string, caller: Caller): Promise<Approval> {
  // A runner asking for another runner's request gets the same 404 as for an unknown id.
  const a = await service.get(id, caller);
  if (!a) throw new HTTPException(404, { message: `no approval '${id}'` });
  return a;
}

/** /api/approvals: runners request and wait, analysts list and decide. */
export function approvalRoutes(deps: {
  service: ApprovalService;
  authorize: Authorize;
  /** Caps long-polls and streams per token and in total (none without it: in-process tests). */
  holdLimit?: HoldLimit;
  sseHeartbeatMs?: number;
}) {
  const { service, authorize } = deps;
  const hold: MiddlewareHandler = deps.holdLimit ? deps.holdLimit() : (_c, next) => next();
  const heartbeatMs = deps.sseHeartbeatMs ?? 15_000;
  // One token could otherwise read 64 lists at once (its in-progress limit): 4.8 GB RSS measured with 32.
  const listTurn = createTurns(LISTS_AT_ONCE);
  const app = new Hono();

  app.post('/approvals', authorize('requestApproval'), async (c) => {
    const input = ApprovalRequestInput.safeParse(await readJson(c.req));
    if (!input.success)
      throw new HTTPException(400, { message: 'invalid approval request', cause: input.error });
    try {
      return c.json(await service.create(input.data, c.get('principal')), 201);
    } catch (err) {
      if (err instanceof AskingTooOften) {
        c.header('Retry-After', String(err.retryAfterS));
        return c.json({ error: err.message }, 429);
      }
      if (!(err instanceof TooManyPending)) throw err;
      c.header('Retry-After', '30');
      return c.json({ error: err.message }, 429);
    }
  });

  app.get('/approvals', authorize('readApproval'), async (c) => {
    const q = ListQuery.safeParse(c.req.query());
    if (!q.success) throw new HTTPException(400, { message: 'invalid query', cause: q.error });
    const approvals = await listTurn(() => service.list(q.data.status, q.data.limit, c.get('principal')));
    return c.json({ approvals });
  });

  app.get('/approvals/:id', authorize('readApproval'), async (c) =>
    c.json(await mustGet(service, parseId(c.req.param('id')), c.get('principal'))),
  );

  app.get('/approvals/:id/wait', authorize('readApproval'), hold, async (c) => {
    const id = parseId(c.req.param('id'));
    const q = WaitQuery.safeParse(c.req.query());
    if (!q.success) throw new HTTPException(400, { message: 'invalid query', cause: q.error });
    // One read checks visibility and state (mustGet's would be a second statement on the approval path).
    const a = await service.waitForFinal(id, q.data.timeout_s * 1000, c.req.raw.signal, c.get('principal'));
    if (!a) throw new HTTPException(404, { message: `no approval '${id}'` });
    return c.json(a);
  });

  app.get('/approvals/:id/events', authorize('readApproval'), hold, async (c) => {
    const id = parseId(c.req.param('id'));
    const first = await mustGet(service, id, c.get('principal'));
    return streamSSE(c, async (stream) => {
      const send = (a: Approval) =>
        stream.writeSSE({ event: 'approval', id: a.status, data: JSON.stringify(a) });
      if (isFinal(first)) {
        await send(first);
        return;
      }
      let done: () => void = () => {};
      const ended = new Promise<void>((r) => {
        done = r;
      });
      const off = service.onFinal(id, (a) => {
        send(a).finally(done);
      });
      stream.onAbort(done);
      if (service.closed.aborted) return;
      service.closed.addEventListener('abort', done, { once: true });
      try {
        // Re-read after subscribing: a decision between the first read and the subscription is not lost.
        const now = (await service.get(id)) ?? first;
        await send(now);
        if (isFinal(now)) return;
        const beat = setInterval(() => {
          stream.write(': keep-alive\n\n').catch(done);
        }, heartbeatMs);
        await ended;
        clearInterval(beat);
      } finally {
        off();
        service.closed.removeEventListener('abort', done);
      }
    });
  });

  app.post('/approvals/:id/decision', authorize('decideApproval'), async (c) => {
    const id = parseId(c.req.param('id'));
    const input = ApprovalDecisionInput.safeParse(await readJson(c.req));
    if (!input.success) throw new HTTPException(400, { message: 'invalid decision', cause: input.error });
    const r = await service.decide(id, input.data, c.get('principal')).catch((err: unknown) => {
      // Stored, but not yet on the audit trail: the analyst learns that the runner waits for the record.
      if (err instanceof AuditPendingError) throw new HTTPException(503, { message: err.message });
      throw err;
    });
    if (r.ok) {
      const body: ApprovalDecisionResult = {
        ...r.approval,
        grant: r.grant,
        no_grant_reason: r.noGrantReason,
      };
      return c.json(body);
    }
    if (r.reason === 'unknown') throw new HTTPException(404, { message: `no approval '${id}'` });
    if (r.reason === 'own-request')
      throw new HTTPException(403, {
        message:
          'separation of duties: the token that requested this approval cannot decide it; another person must',
      });
    throw new HTTPException(409, { message: `approval '${id}' is already ${r.approval?.status ?? 'final'}` });
  });

  return app;
}
