import type { NetworkAttempt } from '../../schema/fast.js';

/**
 * The network proxy as the runner sees it (implemented in sandbox-runner/network/). Injected, so the runner
 * works, and is tested, without it: no allowed hosts and no one to ask means no network at all.
 */
export interface NetworkProxyHandle {
  socketDir: string;
  close(): Promise<void>;
}

export interface NetworkPort {
  startNetworkProxy(opts: {
    allow: string[];
    deny?: (host: string, port: number) => string | null;
    decide?: (host: string, port: number) => Promise<'allow' | 'deny'>;
    decideTimeoutMs?: number;
    onAttempt: (a: NetworkAttempt) => void;
  }): Promise<NetworkProxyHandle>;
  sandboxNetworkSetup(socketDir: string): {
    bwrapArgs: string[];
    env: Record<string, string>;
    wrapCommand(argv: string[]): string[];
  };
}
