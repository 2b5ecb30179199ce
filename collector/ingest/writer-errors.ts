/** Why the batching writer refused rows: the HTTP layer answers 503 with Retry-After for both. */
export class BackPressureError extends Error {
  constructor(
    readonly queuedRows: number,
    queuedBytes = 0,
  ) {
    super(
      `ingest queue full (${queuedRows} rows, ${Math.round(queuedBytes / 2 ** 20)} MiB pending): retry later`,
    );
  }
}

export class WriterClosedError extends Error {
  constructor() {
    super('writer is shutting down');
  }
}
