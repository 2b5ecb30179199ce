/** The engine's bulk lane holds its byte budget: retry later (the collector answers 503 + Retry-After). */
export class EngineBusyError extends Error {
  override readonly name = 'EngineBusyError';
  readonly retryAfterSeconds = 1;
}

/**
 * The engine's thread is gone (crashed, restarting or closed): nothing was stored by this call as far as the
 * caller can tell. Retryable once the engine is back; fail closed meanwhile.
 */
export class EngineUnavailableError extends Error {
  override readonly name = 'EngineUnavailableError';
  readonly retryAfterSeconds = 2;
}
