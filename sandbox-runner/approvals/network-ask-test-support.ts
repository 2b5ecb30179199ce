import { createNetworkAsk, type NetworkAsk, type NetworkAskOptions } from './network-ask.js';

/**
 * For tests: a network ask whose approval port records each request and answers every wait with `status`,
 * and whose messages are kept.
 */
export function recordingNetworkAsk(
  status: 'approved' | 'denied',
  o: Partial<NetworkAskOptions> = {},
): { ask: NetworkAsk; requested: string[]; messages: string[] } {
  const requested: string[] = [];
  const messages: string[] = [];
  const port = {
    async request(input: { command: string }) {
      requested.push(input.command);
      return { id: `A${requested.length}` };
    },
    async waitForDecision() {
      return { status, reason: status === 'approved' ? 'a human who sees only the text' : 'noise' };
    },
  };
  const ask = createNetworkAsk({
    client: async () => port as never,
    mode: 'balanced',
    session: 's',
    agent: 'a',
    cwd: '/w',
    project: '/w',
    denyHosts: [],
    waitMs: 1000,
    stderr: { write: (s: string) => messages.push(s) },
    ...o,
  });
  return { ask, requested, messages };
}
