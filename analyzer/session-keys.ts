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

  /** `shared`: the characters all the engine's sessions' sets hold, kept up to date until `detach`. */
  constructor(
    private readonly maxKeys: number,
    private readonly maxChars: number,
    private shared?: { keyChars: number },
  ) {}

  has(key: string): boolean {
    return this.keys.has(key);
  }

  /** Adds a key (forgetting the oldest past the bounds); false when it was there already. */
  add(key: string): boolean {
    if (this.keys.has(key)) return false;
    this.keys.add(key);
    this.count(key.length);
    while (this.keys.size > 0 && (this.keys.size > this.maxKeys || this.chars > this.maxChars)) {
      const oldest = this.keys.values().next().value as string;
      this.keys.delete(oldest);
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
