import type { Check } from './checks.js';

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
