import { parseCommandArgs } from './args.js';
import type { WardEnv } from './env.js';
import { cliServer } from './server-client.js';

const USAGE = `usage: ward token create --name NAME --role admin|analyst|compliance|runner [--server URL] [--data DIR]
       ward token list [--server URL] [--data DIR]
       ward token revoke ID [--server URL] [--data DIR]
Uses the admin token from WARD_ADMIN_TOKEN, else DIR/admin-token (default .ward-data).
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
    const server = cliServer(env, { server: values.server, data: values.data });
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
    process.stderr.write(`ward token: ${message}\n`);
    return message.startsWith('no token') ? 2 : 1;
  }
  if (res.status >= 400) {
    process.stderr.write(`ward token: ${res.status} ${res.text}\n`);
    return 1;
  }
  process.stdout.write(res.text ? `${res.text}\n` : 'revoked\n');
  return 0;
}

function parse(args: string[]) {
  return parseCommandArgs(args, {
    name: { type: 'string' },
    role: { type: 'string' },
    server: { type: 'string' },
    data: { type: 'string', default: '.ward-data' },
  });
}
