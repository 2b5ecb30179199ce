import { errorText } from '../lib/api.js';
import type { Me } from '../lib/types.js';

/** Who is logged in. The session itself is an HttpOnly cookie: this page never sees the token again. */
export class Auth {
  me = $state<Me | null>(null);
  status = $state<'unknown' | 'in' | 'out'>('unknown');
  error = $state('');

  constructor(private readonly f: typeof fetch = (i, init) => fetch(i, init)) {}

  get csrf(): string {
    return this.me?.csrf ?? '';
  }

  /** Whether the server has an optional API group (alerts, overview, risk, stream, reports, audit, …). */
  has(feature: string): boolean {
    return this.me?.features.includes(feature) ?? false;
  }

  async check(): Promise<void> {
    try {
      const res = await this.f('/api/me', { credentials: 'same-origin' });
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
    // The login answer has no feature list: ask /api/me, which has.
    await this.check();
    return this.status === 'in';
  }

  async logout(): Promise<void> {
    await this.f('/api/logout', { method: 'POST', credentials: 'same-origin' }).catch(() => undefined);
    this.ended();
  }

  /** The server said 401: the session is over. */
  ended(): void {
    this.me = null;
    this.status = 'out';
  }
}
