import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCommandArgs } from './args.js';
import type { WardEnv } from './env.js';

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
  const server = (values.server ?? env.server ?? 'http://127.0.0.1:4318').replace(/\/+$/, '');
  let admin = env.adminToken;
  if (!admin) {
    try {
      admin = readFileSync(join(values.data, 'admin-token'), 'utf8').trim();
    } catch {
      process.stderr.write(
        `ward token: no admin token: set WARD_ADMIN_TOKEN or point --data at the server's data dir\n`,
      );
      return 2;
    }
  }
  const headers = { authorization: `Bearer ${admin}`, 'content-type': 'application/json' };
  let res: Response;
  try {
    if (action === 'create' && values.name && values.role) {
      res = await fetch(`${server}/api/tokens`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ name: values.name, role: values.role }),
      });
    } else if (action === 'list') {
      res = await fetch(`${server}/api/tokens`, { headers });
    } else if (action === 'revoke' && id) {
      res = await fetch(`${server}/api/tokens/${encodeURIComponent(id)}`, { method: 'DELETE', headers });
    } else {
      process.stderr.write(USAGE);
      return 2;
    }
  } catch (err) {
    process.stderr.write(`ward token: cannot reach ${server}: ${(err as Error).message}\n`);
    return 1;
  }
  const text = await res.text();
  if (!res.ok) {
    process.stderr.write(`ward token: ${res.status} ${text}\n`);
    return 1;
  }
  process.stdout.write(text ? `${text}\n` : 'revoked\n');
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
