import type { Socket } from 'node:net';

/**
 * Reads exact byte counts from a socket for a small binary handshake, then hands the socket back. A client
 * that sends more than `limit` bytes ahead of what was read is dropped (the socket is destroyed): it would
 * otherwise pile up memory for as long as the handshake's answer takes.
 */
export class SocketReader {
  private buffered = Buffer.alloc(0);
  private waiter: (() => void) | undefined;
  private done = false;
  private readonly onData = (chunk: Buffer) => {
    if (this.buffered.length + chunk.length > this.limit) {
      this.socket.destroy();
      return;
    }
    this.buffered = Buffer.concat([this.buffered, chunk]);
    this.wake();
  };
  private readonly onEnd = () => {
    this.done = true;
    this.wake();
  };

  constructor(
    private readonly socket: Socket,
    private readonly limit: number,
  ) {
    socket.on('data', this.onData);
    socket.on('end', this.onEnd);
    socket.on('close', this.onEnd);
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = undefined;
    w?.();
  }

  /** Resolves with exactly `n` bytes; rejects if the socket ends first. */
  async read(n: number): Promise<Buffer> {
    while (this.buffered.length < n) {
      if (this.done) throw new Error('connection closed during handshake');
      await new Promise<void>((resolve) => {
        this.waiter = resolve;
      });
    }
    const out = this.buffered.subarray(0, n);
    this.buffered = this.buffered.subarray(n);
    return out;
  }

  /** Stops reading (the socket is paused, nothing is lost) and returns bytes read ahead of the handshake. */
  release(): Buffer {
    this.socket.pause();
    this.socket.removeListener('data', this.onData);
    this.socket.removeListener('end', this.onEnd);
    this.socket.removeListener('close', this.onEnd);
    return this.buffered;
  }
}
