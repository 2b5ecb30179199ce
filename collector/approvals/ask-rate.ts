import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';

/** How many approval requests one token may make in a window of `windowS` seconds. */
export interface AskRate {
  requests: number;
  windowS: number;
}

/**
 * Enough for any agent a human answers (an ask waits for a person: a dozen a minute is already more than one
 * can read), few enough that a token cannot bury the queue in decoys or the audit trail in records. The
 * pending cap alone let one token churn 64 requests with a one-second deadline each second, each with its
 * audit records and event rows: millions a day.
 */
export const DEFAULT_ASK_RATE: AskRate = { requests: 120, windowS: 600 };

/** Thrown by create when the caller made its window's requests already (the route: 429 with Retry-After). */
export class AskingTooOften extends Error {
  constructor(
    readonly rate: AskRate,
    /** Seconds until the token's window starts again. */
    readonly retryAfterS: number,
  ) {
    super(
      `this token made ${rate.requests} approval requests in the last ${rate.windowS} s: ask again in ${retryAfterS} s`,
    );
    this.name = 'AskingTooOften';
  }
}

/**
 * Counts each token's approval requests in fixed windows, in this process. Several instances behind one load
 * balancer each count their own (docs/scale.md): a token reaches at most that many times the rate, while the
 * pending cap stays counted in the store. Entries end with their window. `refused` hears of each window's
 * first refusal of a token (one audit record per window, not one per refused request).
 */
export function createAskRate(
  rate: AskRate = DEFAULT_ASK_RATE,
  refused: (caller: { id: string; name: string }) => void = () => {},
) {
  const limiter = new RateLimiterMemory({ points: rate.requests, duration: rate.windowS });
  return {
    rate,
    /** Takes one request from the caller's window, or throws AskingTooOften. */
    async admit(caller: { id: string; name: string }): Promise<void> {
      try {
        await limiter.consume(caller.id, 1);
      } catch (res) {
        if (!(res instanceof RateLimiterRes)) throw res;
        if (res.consumedPoints === rate.requests + 1) refused(caller);
        throw new AskingTooOften(rate, Math.max(1, Math.ceil(res.msBeforeNext / 1000)));
      }
    },
  };
}
export type AskRateLimit = ReturnType<typeof createAskRate>;
