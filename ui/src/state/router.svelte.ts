/** The app's location: path and query, kept in the address bar so every view is a deep link. */
export class Router {
  path = $state('/');
  search = $state('');

  constructor(private readonly win: Window) {
    this.#read();
    win.addEventListener('popstate', () => this.#read());
  }

  #read() {
    this.path = this.win.location.pathname;
    this.search = this.win.location.search;
  }

  /** The query as a URLSearchParams (a fresh copy; change it through `setQuery`). */
  get query(): URLSearchParams {
    return new URLSearchParams(this.search);
  }

  param(name: string): string {
    return this.query.get(name) ?? '';
  }

  /** Goes to `href` (a same-origin path with an optional query). */
  go(href: string, opts: { replace?: boolean } = {}) {
    const url = new URL(href, this.win.location.origin);
    if (url.origin !== this.win.location.origin) return;
    const next = url.pathname + url.search;
    if (next !== this.win.location.pathname + this.win.location.search) {
      if (opts.replace) this.win.history.replaceState(null, '', next);
      else this.win.history.pushState(null, '', next);
    }
    this.#read();
  }

  /** Changes some query parameters of the current page ('' or undefined removes one). */
  setQuery(patch: Record<string, string | undefined>, opts: { replace?: boolean } = { replace: true }) {
    const q = this.query;
    for (const [k, v] of Object.entries(patch)) {
      if (v === undefined || v === '') q.delete(k);
      else q.set(k, v);
    }
    const s = q.toString();
    this.go(`${this.path}${s ? `?${s}` : ''}`, opts);
  }
}
