import { join } from 'node:path';

/** Where the relay listens inside the sandbox. */
export const SANDBOX_HTTP_PORT = 3128;
export const SANDBOX_SOCKS_PORT = 1080;

/** Names inside the proxy's private socket directory. */
export const HTTP_SOCKET = 'http.sock';
export const SOCKS_SOCKET = 'socks.sock';
export const RELAY_FILE = 'relay.cjs';

/** Exit status of the wrapper when the relay could not start (the command never ran). */
export const RELAY_FAILED_EXIT = 125;

// $1 node, $2 relay script, $3 http socket, $4 socks socket, then the command. $$ stays the command's pid
// after exec, so the relay can watch it. `$(... &)` returns once the relay has released its stdout.
const WRAPPER = [
  'node=$1 relay=$2 http_sock=$3 socks_sock=$4',
  'shift 4',
  `out=$("$node" "$relay" "$$" "${SANDBOX_HTTP_PORT}=$http_sock" "${SANDBOX_SOCKS_PORT}=$socks_sock" 2>&1 &)`,
  `if [ "$out" != ready ]; then printf 'ward: sandbox network relay failed: %s\\n' "$out" >&2; exit ${RELAY_FAILED_EXIT}; fi`,
  'exec "$@"',
].join('\n');

/** What the sandbox builder adds so the command reaches the network only through the Ward proxy. */
export interface SandboxNetworkSetup {
  /** Append after the caller's own mounts (a later `--tmpfs /tmp` would hide the socket directory). */
  bwrapArgs: string[];
  /** Proxy variables for the command. */
  env: Record<string, string>;
  /** Wraps the command so the relay listens before it starts. */
  wrapCommand(argv: string[]): string[];
}

/**
 * Sandbox side of the network proxy for the socket directory of startNetworkProxy: a private network
 * namespace, the socket directory bound read-only at the same path, proxy env, and the relay wrapper.
 * `nodePath` (default: this node) must be visible inside the sandbox at the same path.
 */
export function sandboxNetworkSetup(
  socketDir: string,
  opts: { nodePath?: string } = {},
): SandboxNetworkSetup {
  const nodePath = opts.nodePath ?? process.execPath;
  const httpProxy = `http://127.0.0.1:${SANDBOX_HTTP_PORT}`;
  const socksProxy = `socks5h://127.0.0.1:${SANDBOX_SOCKS_PORT}`;
  return {
    bwrapArgs: ['--unshare-net', '--ro-bind', socketDir, socketDir],
    env: {
      HTTP_PROXY: httpProxy,
      HTTPS_PROXY: httpProxy,
      http_proxy: httpProxy,
      https_proxy: httpProxy,
      ALL_PROXY: socksProxy,
      all_proxy: socksProxy,
      NO_PROXY: '',
      no_proxy: '',
    },
    wrapCommand(argv) {
      if (argv.length === 0) throw new Error('wrapCommand: empty command');
      return [
        '/bin/sh',
        '-c',
        WRAPPER,
        'ward-net',
        nodePath,
        join(socketDir, RELAY_FILE),
        join(socketDir, HTTP_SOCKET),
        join(socketDir, SOCKS_SOCKET),
        ...argv,
      ];
    },
  };
}
