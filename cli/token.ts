import { inert, inertJson } from '../schema/fast.js';
import { parseCommandArgs } from './args.js';
import type { WardEnv } from './env.js';
import { cliServer } from './server-client.js';

const USAGE = `usage: ward token create --name NAME --role admin|analyst|compliance|runner [--server URL] [--ca FILE] [--data DIR]
       ward token list [--server URL] [--ca FILE] [--data DIR]
       ward token revoke ID [--server URL] [--ca FILE] [--data DIR]
Uses the admin token from WARD_ADMIN_TOKEN, else DIR/admin-token (default .ward-data).
--ca FILE (or WARD_CA): PEM CA bundle to trust for an https server (NODE_EXTRA_CA_CERTS works too).
`;

/** `ward token`: mint, list and revoke API tokens on a running server (admin). */
export async function main(args: string[], env: WardEnv): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(args);
  } catch (err) {
    process.stderr.write(`ward token: ${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [action, id] = positionals;
  let res: { status: number; text: string };
  try {
    const server = cliServer(env, {
      server: values.server,
      data: values.data,
      ...(values.ca ? { ca: values.ca } : {}),
    });
    if (action === 'create' && values.name && values.role) {
      res = await server.call('POST', '/api/tokens', { name: values.name, role: values.role });
    } else if (action === 'list') {
      res = await server.call('GET', '/api/tokens');
    } else if (action === 'revoke' && id) {
      res = await server.call('DELETE', `/api/tokens/${encodeURIComponent(id)}`);
    } else {
      process.stderr.write(USAGE);
      return 2;
    }
  } catch (err) {
    const message = (err as Error).message;
    process.stderr.write(`ward token: ${inert(message)}\n`);
    return message.startsWith('no token') ? 2 : 1;
  }
  if (res.status >= 400) {
    process.stderr.write(`ward token: ${res.status} ${inert(res.text)}\n`);
    return 1;
  }
  process.stdout.write(res.text ? `${asInertJson(res.text)}\n` : 'revoked\n');
  return 0;
}

/** The server's JSON answer re-serialized inert (names are free text); anything else escaped as text. */
function asInertJson(text: string): string {
  try {
    return inertJson(JSON.parse(text) as unknown);
  } catch {
    return inert(text);
  }
}

function parse(args: string[]) {
  return parseCommandArgs(args, {
    name: { type: 'string' },
    role: { type: 'string' },
    server: { type: 'string' },
    ca: { type: 'string' },
    data: { type: 'string', default: '.ward-data' },
  });
}
