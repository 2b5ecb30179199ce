/**
 * Counts each token's API requests in progress. The engine's API lane has one cap for everyone, so without a
 * count per token one runner (or an agent holding its token) could fill that lane with cheap reads, and every
 * analyst would get 503 until it stopped. Beyond `perToken`, a token's next request is refused (429) before it
 * costs anything; other tokens are not affected. Entries exist only while a token has requests in progress.
 */
export function createInProgressLimit(perToken: number) {
  const counts = new Map<string, number>();
  return {
    /** Takes a slot for `id`: a release function (idempotent), or null when the token is at its limit. */
    take(id: string): (() => void) | null {
      const n = counts.get(id) ?? 0;
      if (n >= perToken) return null;
      counts.set(id, n + 1);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        const left = (counts.get(id) ?? 1) - 1;
        if (left <= 0) counts.delete(id);
        else counts.set(id, left);
      };
    },
    /** Requests in progress for `id`. */
    of: (id: string) => counts.get(id) ?? 0,
    /** Tokens with requests in progress. */
    tokens: () => counts.size,
    perToken,
  };
}
export type InProgressLimit = ReturnType<typeof createInProgressLimit>;
