import { spawn } from 'node:child_process';

/** One hook as Codex lists it (app-server `hooks/list`): where it comes from and whether Codex runs it. */
export interface CodexHook {
  key: string;
  eventName: string;
  command?: string;
  matcher: string | null;
  sourcePath: string;
  source: string;
  enabled: boolean;
  isManaged: boolean;
  currentHash: string;
  trustStatus: 'managed' | 'untrusted' | 'trusted' | 'modified';
}

/** A short JSON-RPC session with `codex app-server` over stdio. */
export interface CodexAppServer {
  request(method: string, params: unknown): Promise<unknown>;
  close(): void;
}

/**
 * Starts `codex app-server` (Codex's own configuration service) and initialises a session. Ward asks Codex
 * itself which hooks it sees and records trust through it, so the hash and key are Codex's, not a copy.
 */
export async function openCodexAppServer(o: {
  codex: string;
  env: NodeJS.ProcessEnv;
  cwd: string;
  timeoutMs?: number;
}): Promise<CodexAppServer> {
  const child = spawn(o.codex, ['app-server'], { env: o.env, cwd: o.cwd, stdio: ['pipe', 'pipe', 'ignore'] });
  const waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let failure: Error | undefined;
  const failAll = (err: Error) => {
    failure ??= err;
    for (const w of waiting.values()) w.reject(failure);
    waiting.clear();
  };
  child.on('error', (err) => failAll(new Error(`cannot start ${o.codex} app-server: ${err.message}`)));
  child.on('exit', (code) => failAll(new Error(`codex app-server exited (${code ?? 'signal'})`)));
  let buf = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    buf += d;
    if (buf.length > 16 * 1024 * 1024) return failAll(new Error('codex app-server answer too large'));
    for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      let msg: { id?: number; result?: unknown; error?: { message?: string } };
      try {
        msg = JSON.parse(line) as typeof msg;
      } catch {
        continue;
      }
      const w = msg.id === undefined ? undefined : waiting.get(msg.id);
      if (!w || msg.id === undefined) continue;
      waiting.delete(msg.id);
      if (msg.error) w.reject(new Error(`codex app-server: ${msg.error.message ?? 'error'}`));
      else w.resolve(msg.result);
    }
  });
  let next = 0;
  const timeoutMs = o.timeoutMs ?? 20_000;
  const request = (method: string, params: unknown) =>
    new Promise<unknown>((resolve, reject) => {
      if (failure) return reject(failure);
      const id = ++next;
      const timer = setTimeout(() => {
        waiting.delete(id);
        reject(new Error(`codex app-server did not answer ${method} within ${timeoutMs} ms`));
      }, timeoutMs);
      waiting.set(id, {
        resolve: (v) => {
          clearTimeout(timer);
          resolve(v);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      child.stdin.write(`${JSON.stringify({ id, method, params })}\n`);
    });
  const close = () => {
    child.stdin.end();
    if (child.exitCode === null) child.kill();
  };
  try {
    await request('initialize', {
      clientInfo: { name: 'ward', title: 'Ward', version: '1' },
      capabilities: null,
    });
    child.stdin.write(`${JSON.stringify({ method: 'initialized' })}\n`);
  } catch (err) {
    close();
    throw err;
  }
  return { request, close };
}

/** The hooks Codex sees for a working directory, with their trust status. */
export async function listCodexHooks(
  server: CodexAppServer,
  cwd: string,
): Promise<{ hooks: CodexHook[]; warnings: string[] }> {
  const res = (await server.request('hooks/list', { cwds: [cwd] })) as {
    data?: { hooks?: CodexHook[]; warnings?: string[]; errors?: unknown[] }[];
  };
  const entry = res.data?.[0];
  return { hooks: entry?.hooks ?? [], warnings: entry?.warnings ?? [] };
}

/** Records trust for the given hooks at their current hash, in Codex's user config (as `/hooks` does). */
export async function trustCodexHooks(server: CodexAppServer, hooks: readonly CodexHook[]): Promise<void> {
  if (hooks.length === 0) return;
  const state = Object.fromEntries(hooks.map((h) => [h.key, { trusted_hash: h.currentHash, enabled: true }]));
  await server.request('config/batchWrite', {
    edits: [{ keyPath: 'hooks.state', value: state, mergeStrategy: 'upsert' }],
  });
}

/** Marks a project directory trusted in Codex's user config, so Codex loads its .codex/ layer (and hooks). */
export async function trustCodexProject(server: CodexAppServer, dir: string): Promise<void> {
  await server.request('config/batchWrite', {
    edits: [{ keyPath: 'projects', value: { [dir]: { trust_level: 'trusted' } }, mergeStrategy: 'upsert' }],
  });
}
