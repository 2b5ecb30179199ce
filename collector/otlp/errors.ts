/** A request body that is not valid OTLP. `path` names the offending field, e.g. `resourceLogs[0].scopeLogs`. */
export class OtlpDecodeError extends Error {
  override readonly name = 'OtlpDecodeError';
  constructor(
    readonly reason: string,
    readonly path = '',
  ) {
    // Hostile nesting makes long paths: keep both ends.
    const shown = path.length > 240 ? `${path.slice(0, 120)}…${path.slice(-100)}` : path;
    super(shown ? `${shown}: ${reason}` : reason);
  }
}

/**
 * Re-throws `err` with `segment` (`name`, `name[i]` or `[i]`) prepended to its field path.
 * A RangeError (stack exhausted by hostile nesting) becomes an OtlpDecodeError too.
 */
export function rethrowAt(err: unknown, segment: string): never {
  let reason: string;
  let inner = '';
  if (err instanceof OtlpDecodeError) {
    reason = err.reason;
    inner = err.path;
  } else if (err instanceof RangeError) {
    reason = `too deeply nested or out of range (${err.message})`;
  } else {
    throw err;
  }
  const sep = inner === '' || inner.startsWith('[') ? '' : '.';
  throw new OtlpDecodeError(reason, segment + sep + inner);
}

/** Re-throws `err` at element `i` of the repeated field `name` (`name[i]`). */
export function rethrowAtIndex(err: unknown, name: string, i: number): never {
  rethrowAt(err, `${name}[${i}]`);
}

/** A request the OTLP edge refuses before decoding, with the HTTP status to answer. */
export class OtlpBodyError extends Error {
  override readonly name = 'OtlpBodyError';
  constructor(
    readonly status: 400 | 408 | 413 | 415 | 503,
    message: string,
  ) {
    super(message);
  }
}
