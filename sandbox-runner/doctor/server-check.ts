import type { Check } from './checks.js';

/** The server's spool from /healthz: batches the store refused, waiting or quarantined. */
function spoolCheck(health: unknown, base: string): Check | null {
  const s = (
    health as { spool?: { depth?: unknown; oldestAgeSeconds?: unknown; quarantined?: unknown } } | null
  )?.spool;
  if (!s || typeof s.depth !== 'number') return null;
  const quarantined = typeof s.quarantined === 'number' ? s.quarantined : 0;
  const age = typeof s.oldestAgeSeconds === 'number' ? s.oldestAgeSeconds : 0;
  const stuck = s.depth > 0 && age > 60;
  const ok = quarantined === 0 && !stuck;
  return {
    name: 'server spool',
    ok,
    severity: 'recommended',
    detail: ok
      ? `${s.depth} batch(es) waiting for the store`
      : `${s.depth} batch(es) waiting (oldest ${age} s), ${quarantined} quarantined at ${base}`,
    ...(ok
      ? {}
      : {
          fix:
            "read the server's log for `spool:` lines; quarantined batches are in <data>/spool/quarantine/ " +
            '(never replayed; inspect, then delete them)',
        }),
  };
}

/**
 * The server's own shell grammar (/healthz `grammar`), which its policy check (`POST /api/gate/check`) reads
 * commands with: once failed, every check answers exec.unanalysable until a restart. (The analyzer and the hook
 * decisions parse on threads that are replaced when their grammar fails.)
 */
function grammarCheck(health: unknown): Check | null {
  const g = (health as { grammar?: { failed?: unknown; memoryMb?: unknown } } | null)?.grammar;
  if (!g || typeof g.failed !== 'boolean') return null;
  return {
    name: 'server command analysis',
    ok: !g.failed,
    severity: 'recommended',
    detail: g.failed
      ? 'the shell grammar of `ward serve` failed (a command exhausted its memory): its policy check (POST /api/gate/check) answers exec.unanalysable for every command'
      : `the shell grammar of \`ward serve\` works (${typeof g.memoryMb === 'number' ? g.memoryMb : '?'} MiB)`,
    ...(g.failed
      ? { fix: 'restart `ward serve`, and look in the alerts for the session that sent the command' }
      : {}),
  };
}

/**
 * Can this runner talk to its Ward server? Reachable (/healthz), and is its token good for asking humans
 * (approvals) and reading grants? Without it commands still run sandboxed, but every `ask` is denied.
 */
export async function checkServer(opts: {
  server: string;
  token: string | undefined;
  fetch?: typeof fetch;
  timeoutMs?: number;
}): Promise<Check[]> {
  const doFetch = opts.fetch ?? fetch;
  const base = opts.server.replace(/\/+$/, '');
  const signal = AbortSignal.timeout(opts.timeoutMs ?? 3000);
  const out: Check[] = [];
  try {
    const res = await doFetch(`${base}/healthz`, { signal });
    const ok = res.status === 200;
    out.push({
      name: 'ward server',
      ok,
      severity: 'recommended',
      detail: ok ? `${base} answers` : `${base}/healthz answered ${res.status}`,
      ...(ok ? {} : { fix: `check the server's log; \`ward serve\` must be running with a working store` }),
    });
    if (!ok) return out;
    const health: unknown = await res.json().catch(() => null);
    const spool = spoolCheck(health, base);
    if (spool) out.push(spool);
    const grammar = grammarCheck(health);
    if (grammar) out.push(grammar);
  } catch (err) {
    out.push({
      name: 'ward server',
      ok: false,
      severity: 'recommended',
      detail: `cannot reach ${base}: ${(err as Error).message}; every "ask" will be denied`,
      fix: `start it with \`npm start\` (or \`ward serve\`), or point --server / WARD_SERVER at yours`,
    });
    return out;
  }
  if (!opts.token) {
    out.push({
      name: 'runner token',
      ok: false,
      severity: 'recommended',
      detail: 'WARD_TOKEN is not set: approvals cannot be requested, so every "ask" is denied',
      fix: 'ward token create --name "$(hostname) runner" --role runner, then export WARD_TOKEN=<token>',
    });
    return out;
  }
  const res = await doFetch(`${base}/api/grants?session=ward-doctor`, {
    headers: { authorization: `Bearer ${opts.token}` },
    signal,
  }).catch(() => undefined);
  const status = res?.status ?? 0;
  out.push({
    name: 'runner token',
    ok: status === 200,
    severity: 'recommended',
    detail:
      status === 200
        ? 'WARD_TOKEN is accepted'
        : status === 401
          ? 'WARD_TOKEN is unknown or revoked'
          : status === 403
            ? "WARD_TOKEN's role may not request approvals"
            : `the server answered ${status || 'nothing'}`,
    ...(status === 200
      ? {}
      : {
          fix: 'ward token create --name "$(hostname) runner" --role runner, then export WARD_TOKEN=<token>',
        }),
  });
  return out;
}
