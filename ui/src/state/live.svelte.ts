import { createSseParser } from '../lib/sse.js';

type Listener = (data: unknown) => void;

/**
 * The live feed (GET /api/stream, server-sent events `alert` and `approval`). Read with fetch, not
 * EventSource, to tell "not on this server" (404: views poll instead) from a dropped connection (retry).
 */
export class LiveFeed {
  status = $state<'connecting' | 'live' | 'unavailable' | 'retrying' | 'stopped'>('stopped');
  #listeners = new Map<string, Set<Listener>>();
  #abort: AbortController | undefined;

  constructor(
    /** The session's key (x-ward-csrf): the stream needs it like every API call. */
    private readonly key: () => string = () => '',
    private readonly f: typeof fetch = (i, init) => fetch(i, init),
  ) {}

  on(event: string, fn: Listener): () => void {
    const set = this.#listeners.get(event) ?? new Set<Listener>();
    this.#listeners.set(event, set);
    set.add(fn);
    return () => set.delete(fn);
  }

  get live(): boolean {
    return this.status === 'live';
  }

  start(): void {
    if (this.#abort) return;
    this.#abort = new AbortController();
    void this.#run(this.#abort.signal);
  }

  stop(): void {
    this.#abort?.abort();
    this.#abort = undefined;
    this.status = 'stopped';
  }

  async #run(signal: AbortSignal): Promise<void> {
    let delay = 1000;
    while (!signal.aborted) {
      this.status = this.status === 'live' ? 'retrying' : 'connecting';
      try {
        const res = await this.f('/api/stream', {
          credentials: 'same-origin',
          headers: { accept: 'text/event-stream', 'x-ward-csrf': this.key() },
          signal,
        });
        if (res.status === 404 || res.status === 403) {
          this.status = 'unavailable';
          return;
        }
        if (!res.ok || !res.body) throw new Error(`stream answered ${res.status}`);
        this.status = 'live';
        delay = 1000;
        const parse = createSseParser();
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          for (const m of parse(value)) this.#emit(m.event, m.data);
        }
      } catch {
        if (signal.aborted) return;
      }
      this.status = 'retrying';
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 30_000);
    }
  }

  #emit(event: string, raw: string) {
    let data: unknown;
    try {
      data = JSON.parse(raw);
    } catch {
      return;
    }
    for (const fn of this.#listeners.get(event) ?? []) fn(data);
  }
}
