import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hostUnixSockets } from './unix-sockets.js';

describe('hostUnixSockets', () => {
  const dir = mkdtempSync('/var/tmp/ward-unix-');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('lists path-bound sockets (spaces included) and skips abstract and unbound ones', () => {
    const file = join(dir, 'unix');
    writeFileSync(
      file,
      [
        'Num       RefCount Protocol Flags    Type St Inode Path',
        '0000000000000000: 00000002 00000000 00010000 0001 01 12345 /var/lib/mysql/mysql.sock',
        '0000000000000000: 00000002 00000000 00010000 0001 01 12346 @/tmp/.X11-unix/X0',
        '0000000000000000: 00000003 00000000 00000000 0001 03 12347',
        '0000000000000000: 00000002 00000000 00010000 0001 01 12348 /srv/my app/daemon.sock',
        '0000000000000000: 00000002 00000000 00010000 0001 01 12349 /var/lib/mysql/mysql.sock',
      ].join('\n'),
    );
    expect(hostUnixSockets(file)).toEqual(['/var/lib/mysql/mysql.sock', '/srv/my app/daemon.sock']);
    expect(hostUnixSockets(join(dir, 'missing'))).toEqual([]);
  });
});
