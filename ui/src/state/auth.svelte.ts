import { errorText } from '../lib/api.js';
import type { Me } from '../lib/types.js';

/** Where the session's key is kept: this origin's storage (scheme, host and port), unlike a cookie. */
const KEY = 'ward.session-key';

/** Storage that forgets everything (no window: server rendering, tests). */
const NO_STORAGE: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> = {
  getItem: () => null,
  setItem: () => {},
  removeItem: () => {},
};

/**
 * Who is logged in. The session is an HttpOnly cookie plus a key this page keeps in its origin's storage and
 * sends as `x-ward-csrf` on every call: browsers send cookies to every port of a host, so a page an agent serves
 * on 127.0.0.1 gets the cookie, but never the key. This page never sees the token again.
 */
export class Auth {
  me = $state<Me | null>(null);
  status = $state<'unknown' | 'in' | 'out'>('unknown');
  error = $state('');

  constructor(
    private readonly f: typeof fetch = (i, init) => fetch(i, init),
    private readonly storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> = NO_STORAGE,
  ) {}

  /** The session's key (sent as x-ward-csrf on every API call), or '' before login. */
  get csrf(): string {
    return this.me?.csrf ?? this.storage.getItem(KEY) ?? '';
  }

  /** Takes the key the login link's redirect put in the fragment (`#session=…`); returns the fragment left. */
  adopt(hash: string): string {
    const m = /^#session=([\w-]{1,128})$/.exec(hash);
    if (!m) return hash;
    this.storage.setItem(KEY, m[1] as string);
    return '';
  }

  /** Whether the server has an optional API group (alerts, overview, risk, stream, reports, audit, …). */
  has(feature: string): boolean {
    return this.me?.features.includes(feature) ?? false;
  }

  async check(): Promise<void> {
    try {
      const res = await this.f('/api/me', {
        credentials: 'same-origin',
        headers: { 'x-ward-csrf': this.csrf },
      });
      const body = res.ok ? ((await res.json()) as { authenticated?: boolean } & Partial<Me>) : {};
      if (body.authenticated) {
        this.me = {
          name: body.name ?? '',
          role: body.role ?? 'analyst',
          csrf: body.csrf ?? '',
          features: body.features ?? [],
        };
        this.status = 'in';
      } else {
        this.me = null;
        this.status = 'out';
      }
    } catch (err) {
      this.error = errorText(err);
      this.status = 'out';
    }
  }

  async login(token: string): Promise<boolean> {
    this.error = '';
    const res = await this.f('/api/login', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: token.trim() }),
    });
    if (!res.ok) {
      const body = (await res.json().catch(() => ({}))) as { error?: string };
      this.error = body.error ?? `login failed (${res.status})`;
      return false;
    }
    const body = (await res.json().catch(() => ({}))) as { csrf?: string };
    this.storage.setItem(KEY, body.csrf ?? '');
    // The login answer has no feature list: ask /api/me, which has.
    await this.check();
    return this.status === 'in';
  }

  async logout(): Promise<void> {
    await this.f('/api/logout', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'x-ward-csrf': this.csrf },
    }).catch(() => undefined);
    this.ended();
  }

  /** The server said 401: the session is over. */
  ended(): void {
    this.storage.removeItem(KEY);
    this.me = null;
    this.status = 'out';
  }
}
