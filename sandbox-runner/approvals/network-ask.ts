import { hostMatches } from '../../gate/fast.js';
import type { RiskReason } from '../../schema/index.js';
import { type AskPort, type AskStep, askHuman, type GateOutcome } from './ask-human.js';
import { createDeniedAddresses } from './denied-address.js';

/** Ports of the web protocols: traffic there is C2-like (T1071); anything else an alternative channel (T1048). */
const WEB_PORTS = new Set([80, 443, 8080, 8443]);

export interface NetworkAskOptions {
  /**
   * The approval client, made on first use (its schemas load only when a host is asked about). Absent when
   * no server is configured: nothing can be asked, unlisted hosts are refused.
   */
  client?: () => Promise<AskPort>;
  /** The gate's mode; `ci` never asks. */
  mode: string;
  session: string;
  agent: string;
  cwd: string;
  project: string;
  /** The policy's `network.deny_hosts` patterns (`evil.example`, `*.example.com`). */
  denyHosts: readonly string[];
  /** Looks up the deny list's exact names, to refuse their addresses unasked (default: the system resolver). */
  resolve?: (host: string) => Promise<string[]>;
  /** Longest wait for a human per host and port (ms), default 120 s. */
  waitMs?: number;
  /** Distinct hosts and ports asked about in the runner's life (default MAX_HOSTS_ASKED); later ones are refused. */
  maxAsks?: number;
  stderr?: { write(s: string): unknown };
}

/**
 * Hosts one runner may ask a human about. Each distinct name is a new request: a command connecting to
 * a1.example, a2.example, … would fill the human's queue (and the token's 64 pending requests, so the user's own
 * asks get 429) with noise to approve the one that matters in. Past the bound, unlisted hosts are refused.
 */
export const MAX_HOSTS_ASKED = 32;

/** How the proxy words each refusal (one ladder, askHuman; the words are the network's). */
const NETWORK_REFUSAL: Record<AskStep, (o: GateOutcome) => string> = {
  gate: (o) => o.reason,
  ci: () => 'not on the network allowlist, and ci mode never asks',
  'no-port': () =>
    'not on the network allowlist, and no Ward server is configured to ask (--server / WARD_SERVER)',
  'request-failed': (o) => `the approval request failed: ${o.detail}`,
  waited: (o) => o.reason,
};

/** The approval gate for the network proxy: the deny list, and asks for hosts outside the allowlist. */
export interface NetworkAsk {
  /** The proxy's `deny`: the reason a host on the deny list is refused, or null. */
  deny(host: string, port: number): string | null;
  /** The proxy's `decide`: a human's answer through the Ward server; anything but an approval is a deny. */
  decide(host: string, port: number): Promise<'allow' | 'deny'>;
  /** How long the proxy should let `decide` run (a little longer than the wait, so the wait answers). */
  timeoutMs: number;
}

/** The reason an approval for a connection carries. */
export function connectReason(host: string, port: number): RiskReason {
  const web = WEB_PORTS.has(port);
  return {
    rule_id: 'net.connect-unlisted',
    category: 'network',
    attack_id: web ? 'T1071' : 'T1048',
    detail: `the sandboxed command connects to ${host}:${port}, which is not on the network allowlist${web ? '' : ' (not a web port: a possible exfiltration channel)'}`,
  };
}

/**
 * Wires network connections into the approval gate. One answer per host and port for the life of the
 * runner (a package install opens many connections to one registry): approved stays approved, refused
 * stays refused. Fails closed: ci mode, no server, an unreachable server or a timeout all refuse.
 */
export function createNetworkAsk(o: NetworkAskOptions): NetworkAsk {
  const out = o.stderr ?? { write: () => {} };
  const waitMs = o.waitMs ?? 120_000;
  const answers = new Map<string, Promise<'allow' | 'deny'>>();
  const maxAsks = o.maxAsks ?? MAX_HOSTS_ASKED;
  let overLimit = 0;
  const refuse = (target: string, why: string): 'deny' => {
    out.write(`ward: network: refused ${target}: ${why}\n`);
    return 'deny';
  };

  const deniedAddress = createDeniedAddresses(o.denyHosts, o.resolve);

  async function ask(host: string, port: number): Promise<'allow' | 'deny'> {
    const target = `${host}:${port}`;
    const named = await deniedAddress(host);
    if (named !== null) return refuse(target, `an address of ${named}, on the policy's deny list`);
    const outcome = await askHuman(
      { decision: 'ask', risk: 0.5, reasons: [connectReason(host, port)], mode: o.mode, grantable: false },
      {
        approvals: o.client,
        request: {
          session: o.session,
          agent: o.agent,
          command: `connect ${target}`,
          cwd: o.cwd,
          project: o.project,
        },
        waitMs,
        onWaiting: (id, url) =>
          out.write(`ward: network: waiting for approval ${id} to connect to ${target} at ${url}\n`),
      },
    );
    if (outcome.run) {
      out.write(`ward: network: ${target} approved (${outcome.reason})\n`);
      return 'allow';
    }
    return refuse(target, NETWORK_REFUSAL[outcome.step](outcome));
  }

  return {
    timeoutMs: waitMs + 15_000,
    deny(host, port) {
      const pattern = o.denyHosts.find((p) => hostMatches(host, p));
      if (pattern === undefined) return null;
      out.write(`ward: network: refused ${host}:${port}: on the policy's deny list (${pattern})\n`);
      return `on the policy's deny list (${pattern})`;
    },
    decide(host, port) {
      const key = `${host}:${port}`;
      let answer = answers.get(key);
      if (!answer) {
        if (answers.size >= maxAsks) {
          // Said once, not per host: the refusals themselves are recorded as network attempts.
          if (overLimit++ === 0)
            refuse(
              key,
              `already asked about ${maxAsks} hosts in this run; further unlisted hosts are refused unasked`,
            );
          return Promise.resolve('deny');
        }
        answer = ask(host, port).catch(() => 'deny' as const);
        answers.set(key, answer);
      }
      return answer;
    },
  };
}
