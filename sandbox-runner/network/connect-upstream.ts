import { connect, type Socket } from 'node:net';

/** Why the last upstream connect failed, in words and as a coarse class for SOCKS replies. */
export class UpstreamError extends Error {
  constructor(
    message: string,
    readonly refused: boolean,
  ) {
    super(message);
  }
}

function connectOne(address: string, port: number, timeoutMs: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: address, port, allowHalfOpen: true });
    const fail = (err: Error & { code?: string }) => {
      socket.destroy();
      reject(
        new UpstreamError(
          `connect ${address}:${port}: ${err.code ?? err.message}`,
          err.code === 'ECONNREFUSED',
        ),
      );
    };
    socket.setTimeout(timeoutMs, () => fail(new Error('timed out')));
    socket.once('error', fail);
    socket.once('connect', () => {
      socket.setTimeout(0);
      socket.removeListener('error', fail);
      resolve(socket);
    });
  });
}

/**
 * Connects to the first of the already-checked addresses that answers. Only IP literals reach here, so
 * no name is looked up again between the check and the connect.
 */
export async function connectUpstream(
  addresses: readonly string[],
  port: number,
  timeoutMs: number,
): Promise<{ socket: Socket; address: string }> {
  let last: unknown = new UpstreamError('no address to connect to', false);
  for (const address of addresses) {
    try {
      return { socket: await connectOne(address, port, timeoutMs), address };
    } catch (err) {
      last = err;
    }
  }
  throw last;
}
