import { hostMatches } from '../../gate/fast.js';
import type { RiskReason } from '../../schema/index.js';
import type { ApprovalClient } from './client.js';

/** Ports of the web protocols: traffic there is C2-like (T1071); anything else an alternative channel (T1048). */
const WEB_PORTS = new Set([80, 443, 8080, 8443]);

export interface NetworkAskOptions {
  /**
   * The approval client, made on first use (its schemas load only when a host is asked about). Absent when
   * no server is configured: nothing can be asked, unlisted hosts are refused.
   */
  client?: () => Promise<Pick<ApprovalClient, 'request' | 'waitForDecision' | 'urlFor'>>;
  /** The gate's mode; `ci` never asks. */
  mode: string;
  session: string;
  agent: string;
  cwd: string;
  project: string;
  /** The policy's `network.deny_hosts` patterns (`evil.example`, `*.example.com`). */
  denyHosts: readonly string[];
  /** Longest wait for a human per host and port (ms), default 120 s. */
  waitMs?: number;
  stderr?: { write(s: string): unknown };
}

/** The approval gate for the network proxy: the deny list, and asks for hosts outside the allowlist. */
export interface NetworkAsk {
  /** True when an unlisted host can be asked about (a server is configured and the mode is not ci). */
  canAsk: boolean;
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
  const canAsk = o.client !== undefined && o.mode !== 'ci';
  const answers = new Map<string, Promise<'allow' | 'deny'>>();
  const refuse = (target: string, why: string): 'deny' => {
    out.write(`ward: network: refused ${target}: ${why}\n`);
    return 'deny';
  };

  async function ask(host: string, port: number): Promise<'allow' | 'deny'> {
    const target = `${host}:${port}`;
    if (o.mode === 'ci') return refuse(target, 'not on the network allowlist, and ci mode never asks');
    if (!o.client)
      return refuse(
        target,
        'not on the network allowlist, and no Ward server is configured to ask (--server / WARD_SERVER)',
      );
    let id: string;
    let client: Pick<ApprovalClient, 'request' | 'waitForDecision' | 'urlFor'>;
    try {
      client = await o.client();
      id = (
        await client.request({
          session_id: o.session,
          agent: o.agent,
          command: `connect ${target}`,
          cwd: o.cwd,
          risk: 0.5,
          reasons: [connectReason(host, port)],
          timeout_s: Math.min(3600, Math.max(1, Math.ceil(waitMs / 1000))),
          project: o.project,
          grantable: false,
        })
      ).id;
    } catch (err) {
      return refuse(
        target,
        `the approval request failed: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
    out.write(`ward: network: waiting for approval ${id} to connect to ${target} at ${client.urlFor(id)}\n`);
    // A little longer than the server's deadline, so the server's own expiry is what normally answers.
    const outcome = await client.waitForDecision(id, { timeoutMs: waitMs + 5_000 });
    if (outcome.status === 'approved') {
      out.write(`ward: network: ${target} approved (${outcome.reason})\n`);
      return 'allow';
    }
    return refuse(target, `${outcome.status}: ${outcome.reason}`);
  }

  return {
    canAsk,
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
        answer = ask(host, port).catch(() => 'deny' as const);
        answers.set(key, answer);
      }
      return answer;
    },
  };
}
