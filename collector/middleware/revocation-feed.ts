import type { TokenResolver } from './auth.js';

export interface RevocationFeedOptions {
  /** Those of the given token hashes that the store holds as revoked. */
  revokedAmong: (hashes: string[]) => Promise<string[]>;
  /** How often the cached live tokens are checked (ms, default 1000). */
  intervalMs?: number;
  /** How long a live token stays cached while the feed runs (ms, default 60 s). */
  liveMs?: number;
  /** How long it stays cached once the feed has not answered for 3 intervals (ms, default 5 s). */
  fallbackMs?: number;
  log?: (msg: string) => void;
}

/**
 * Revocations made on other server instances, pulled: every interval one query asks which of the tokens this
 * instance holds as live are revoked, and those are dropped. Tokens can then stay cached for a minute (fewer
 * lookups in total) while a revocation anywhere takes effect here within about one interval. When the
 * store does not answer, the cache falls back to the short bound, so a stalled feed never makes a revocation
 * take longer than without it.
 */
export function createRevocationFeed(o: RevocationFeedOptions) {
  const intervalMs = o.intervalMs ?? 1_000;
  const liveMs = o.liveMs ?? 60_000;
  const fallbackMs = o.fallbackMs ?? 5_000;
  let lastOk = Number.NEGATIVE_INFINITY;
  let timer: NodeJS.Timeout | undefined;
  let busy = false;
  let failing = false;
  const log = o.log ?? (() => {});

  /** Checks the resolver's live tokens once; true when the store answered. */
  async function check(resolver: Pick<TokenResolver, 'liveHashes' | 'forget'>): Promise<boolean> {
    if (busy) return false;
    busy = true;
    const started = Date.now();
    try {
      const live = resolver.liveHashes();
      for (const hash of live.length ? await o.revokedAmong(live) : []) resolver.forget(hash);
      // Tokens cached after this check started are covered by their own fresh lookup.
      lastOk = started;
      failing = false;
      return true;
    } catch (err) {
      if (!failing) log(`checking cached tokens for revocations failed: ${(err as Error).message}`);
      failing = true;
      return false;
    } finally {
      busy = false;
    }
  }
  return {
    check,
    /** The live-token cache bound now: long while the feed answers, short once it stalls. */
    cacheMs: (): number => (Date.now() - lastOk <= 3 * intervalMs ? liveMs : fallbackMs),
    start(resolver: Pick<TokenResolver, 'liveHashes' | 'forget'>): void {
      if (timer) return;
      timer = setInterval(() => void check(resolver), intervalMs);
      timer.unref();
    },
    stop(): void {
      clearInterval(timer);
      timer = undefined;
    },
  };
}
export type RevocationFeed = ReturnType<typeof createRevocationFeed>;
