/**
 * Values one session's state remembers (event ids it scored, values it sighted or noted), bounded in number and in
 * characters: past either bound the oldest are forgotten, and the set says so from then on. Whatever lets an action
 * pass quietly because of what is not in the set (a folder the session did not fill from outside) must read an
 * overflowed set as unknown: an agent can send distinct values until the one record that made its upload loud is
 * pushed out.
 */
export class SessionKeys implements Iterable<string> {
  private readonly keys = new Set<string>();
  private chars = 0;
  private lost = false;

  /** Keys of each `indexed` prefix, kept apart so that a check of one kind does not go over all the others. */
  private readonly byPrefix: Map<string, Set<string>>;

  /**
   * `shared`: the characters all the engine's sessions' sets hold, kept up to date until `detach`. `indexed`:
   * prefixes whose keys `withPrefix` lists without a pass over the whole set.
   */
  constructor(
    private readonly maxKeys: number,
    private readonly maxChars: number,
    private shared?: { keyChars: number },
    indexed: readonly string[] = [],
  ) {
    this.byPrefix = new Map(indexed.map((p) => [p, new Set<string>()]));
  }

  /** The keys starting with `prefix` (at once for an indexed prefix, else by a pass over the set). */
  withPrefix(prefix: string): Iterable<string> {
    return this.byPrefix.get(prefix) ?? [...this.keys].filter((k) => k.startsWith(prefix));
  }

  private index(key: string, add: boolean): void {
    for (const [p, set] of this.byPrefix) if (key.startsWith(p)) add ? set.add(key) : set.delete(key);
  }

  has(key: string): boolean {
    return this.keys.has(key);
  }

  /** Adds a key (forgetting the oldest past the bounds); false when it was there already. */
  add(key: string): boolean {
    if (this.keys.has(key)) return false;
    this.keys.add(key);
    this.index(key, true);
    this.count(key.length);
    while (this.keys.size > 0 && (this.keys.size > this.maxKeys || this.chars > this.maxChars)) {
      const oldest = this.keys.values().next().value as string;
      this.keys.delete(oldest);
      this.index(oldest, false);
      this.count(-oldest.length);
      this.lost = true;
    }
    return true;
  }

  private count(chars: number): void {
    this.chars += chars;
    if (this.shared) this.shared.keyChars += chars;
  }

  /** Takes this set's characters out of the shared count (its session is forgotten); later adds are not counted. */
  detach(): void {
    if (this.shared) this.shared.keyChars -= this.chars;
    this.shared = undefined;
  }

  /** Says the set lacks keys it was never given (its session was rebuilt from its newest events only). */
  markIncomplete(): void {
    this.lost = true;
  }

  /** Whether keys were forgotten or never given: what the set lacks is unknown, not absent. */
  get overflowed(): boolean {
    return this.lost;
  }

  get size(): number {
    return this.keys.size;
  }

  [Symbol.iterator](): Iterator<string> {
    return this.keys.values();
  }
}
