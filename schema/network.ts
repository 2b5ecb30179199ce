import { z } from 'zod';

/** How a sandboxed program reached the Ward network proxy. */
export const NETWORK_PROTOCOLS = ['http-connect', 'http', 'socks5'] as const;
export const NetworkProtocol = z.enum(NETWORK_PROTOCOLS);
export type NetworkProtocol = z.infer<typeof NetworkProtocol>;

/** One outbound connection attempt from inside the sandbox, reported when the connection ends. */
export const NetworkAttempt = z.object({
  time: z.string().describe('When the attempt started, ISO 8601 UTC'),
  protocol: NetworkProtocol,
  host: z.string().describe('Host name or IP literal as the client asked for it (lower-cased)'),
  port: z.number().int().min(0).max(65_535).describe('Requested port, 0 when the request was unreadable'),
  resolved_ip: z.string().describe('The checked address Ward connected to, empty when it never resolved'),
  decision: z.enum(['allow', 'deny']),
  reason: z
    .string()
    .describe('Why: the allow entry that matched, the refused address class, the approval, …'),
  bytes_in: z.number().int().nonnegative().describe('Bytes from the remote host to the sandbox'),
  bytes_out: z.number().int().nonnegative().describe('Bytes from the sandbox to the remote host'),
  duration_ms: z.number().nonnegative().describe('From the request to the end of the connection'),
});
export type NetworkAttempt = z.infer<typeof NetworkAttempt>;
