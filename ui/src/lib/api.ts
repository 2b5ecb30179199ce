/** An API answer other than 2xx: the status and the server's `error` text. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
  /** The endpoint is not on this server (another part of Ward not installed or not merged yet). */
  get missing(): boolean {
    return this.status === 404 && /^no route for /.test(this.message);
  }
}

export type Query = Record<string, string | number | boolean | undefined | null>;

export interface ApiOptions {
  fetch?: typeof fetch;
  /** The session's key, sent as x-ward-csrf on every request (the cookie alone opens nothing). */
  csrf: () => string;
  /** Called on 401: the session ended (expired, logged out elsewhere, token revoked). */
  onUnauthorized?: () => void;
  /** Whether the server has an optional API group (from /api/me): calls to a missing one are not sent. */
  has?: (feature: string) => boolean;
}

// Optional API groups by path prefix (CONTRACTS.md): other parts of Ward add them, a server may lack them.
const FEATURE_OF: [string, string][] = [
  ['/alerts', 'alerts'],
  ['/overview', 'overview'],
  ['/risk', 'risk'],
  ['/stream', 'stream'],
  ['/reports/', 'reports'],
  ['/audit', 'audit'],
  ['/retention', 'retention'],
  ['/policy', 'policy'],
  ['/gate/check', 'policy'],
];

/** The optional API group a path belongs to, or undefined for the core API every server has. */
export function featureOf(path: string): string | undefined {
  return FEATURE_OF.find(([prefix]) => path === prefix || path.startsWith(prefix))?.[1];
}

/** Builds `/api/path?query` leaving out empty values. */
export function apiUrl(path: string, query: Query = {}): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query))
    if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return `/api${path}${s ? `?${s}` : ''}`;
}

/** The browser's client for Ward's JSON API: same-origin, cookie session plus its key on every call. */
export function createApi(opts: ApiOptions) {
  const f = opts.fetch ?? ((input, init) => fetch(input, init));
  async function call<T>(method: string, path: string, query: Query, body?: unknown): Promise<T> {
    const feature = featureOf(path);
    // Answered here, as the server would: no request, so no 404 in the console for a part not installed.
    if (feature && opts.has && !opts.has(feature))
      throw new ApiError(404, `no route for ${method} /api${path}`);
    const headers: Record<string, string> = { accept: 'application/json', 'x-ward-csrf': opts.csrf() };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await f(apiUrl(path, query), {
      method,
      headers,
      credentials: 'same-origin',
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    if (res.status === 401) opts.onUnauthorized?.();
    if (res.status === 204) return undefined as T;
    const text = await res.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    if (!res.ok) {
      const msg = (json as { error?: unknown } | undefined)?.error;
      throw new ApiError(res.status, typeof msg === 'string' ? msg : `${res.status} ${res.statusText}`);
    }
    return json as T;
  }
  return {
    get: <T>(path: string, query: Query = {}) => call<T>('GET', path, query),
    post: <T>(path: string, body: unknown, query: Query = {}) => call<T>('POST', path, query, body),
    /** A URL of the API (shown as a download link; fetched with `download`, which sends the key). */
    url: apiUrl,
    /** Fetches a file (CSV, PDF) with the session's key and hands it to the browser as a download. */
    async download(path: string, query: Query): Promise<void> {
      const res = await f(apiUrl(path, query), {
        headers: { 'x-ward-csrf': opts.csrf() },
        credentials: 'same-origin',
      });
      if (res.status === 401) opts.onUnauthorized?.();
      if (!res.ok) throw new ApiError(res.status, `${res.status} ${res.statusText}`);
      const named = /filename="([\w.-]{1,200})"/.exec(res.headers.get('content-disposition') ?? '');
      const href = URL.createObjectURL(await res.blob());
      const a = Object.assign(document.createElement('a'), { href, download: named?.[1] ?? 'ward-download' });
      a.click();
      setTimeout(() => URL.revokeObjectURL(href), 60_000);
    },
  };
}
export type Api = ReturnType<typeof createApi>;

/** A short human message for any error a view shows. */
export function errorText(err: unknown): string {
  if (err instanceof ApiError) return err.missing ? 'not available on this server' : err.message;
  return err instanceof Error ? err.message : String(err);
}
