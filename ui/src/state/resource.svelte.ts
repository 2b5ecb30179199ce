import { ApiError, errorText } from '../lib/api.js';

/** One thing loaded from the API: its data, whether it is loading, and what went wrong. */
export class Resource<T> {
  data = $state.raw<T | undefined>(undefined);
  loading = $state(false);
  error = $state('');
  /** The endpoint is not on this server (404 "no route"): views say so instead of showing an error. */
  missing = $state(false);
  #seq = 0;

  /** Runs `load`; a newer call wins over a slower older one. Keeps the old data while reloading. */
  async run(load: () => Promise<T>): Promise<T | undefined> {
    const seq = ++this.#seq;
    this.loading = true;
    try {
      const data = await load();
      if (seq !== this.#seq) return undefined;
      this.data = data;
      this.error = '';
      this.missing = false;
      return data;
    } catch (err) {
      if (seq !== this.#seq) return undefined;
      this.missing = err instanceof ApiError && err.missing;
      this.error = this.missing ? '' : errorText(err);
      return undefined;
    } finally {
      if (seq === this.#seq) this.loading = false;
    }
  }
}
