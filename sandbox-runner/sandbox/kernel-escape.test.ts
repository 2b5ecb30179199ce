import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultSandboxPolicy } from '../../gate/fast.js';
import { createRunner } from '../runner.js';
import { bwrapWorks } from './test-support.js';

const canSandbox = bwrapWorks();

/** Attacks on the kernel surface and the host's local services rather than on the file system. */
describe.runIf(canSandbox)('kernel and local-service escapes (needs real bubblewrap)', () => {
  let ws: string;
  let home: string;
  const env = { PATH: '/usr/local/bin:/usr/bin:/bin', LANG: 'C.UTF-8' } as Record<string, string>;

  beforeAll(() => {
    ws = mkdtempSync('/tmp/ward-kernel-ws-');
    home = mkdtempSync('/var/tmp/ward-kernel-home-');
    env.HOME = home;
  });
  afterAll(() => {
    for (const d of [ws, home]) rmSync(d, { recursive: true, force: true });
  });

  const run = async (argv: string[]) => {
    const runner = createRunner(defaultSandboxPolicy(), { cwd: ws, home, processEnv: env });
    try {
      return await runner.run(argv);
    } finally {
      await runner.close();
    }
  };

  it('cannot set up io_uring (io_uring_setup answers EPERM)', async () => {
    // io_uring_setup(8, &params) is syscall 425 on x86_64 and aarch64; unfiltered it returns a ring fd.
    const r = await run([
      'perl',
      '-e',
      'my $p = "\\0" x 120; my $fd = syscall(425, 8, $p); if ($fd >= 0) { print "ring fd $fd\\n"; exit 0 } die "io_uring_setup: $!\\n"',
    ]);
    expect(r.stdout).not.toContain('ring fd');
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr).toContain('io_uring_setup: Operation not permitted');
  });

  it('cannot push keystrokes into a terminal (TIOCSTI is refused before the kernel looks at the fd)', async () => {
    // On /dev/null the kernel alone would say ENOTTY; EPERM shows the filter refused the request itself.
    const r = await run(['perl', '-e', 'my $c = "x"; ioctl(STDIN, 0x5412, $c) or die "TIOCSTI: $!\\n"']);
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr).toContain('TIOCSTI: Operation not permitted');
    // And the command has no controlling terminal at all (bwrap --new-session): /dev/tty cannot be opened.
    const tty = await run([
      'perl',
      '-e',
      'open(my $t, "<", "/dev/tty") or die "tty: $!\\n"; print "has tty\\n"',
    ]);
    expect(tty.stdout).not.toContain('has tty');
  });

  it('cannot reach a host service on an abstract unix socket', async () => {
    const name = `ward-test-${randomBytes(6).toString('hex')}`;
    let connections = 0;
    const server: Server = createServer((s) => {
      connections++;
      s.destroy();
    });
    await new Promise<void>((r) => server.listen(`\0${name}`, r));
    try {
      const script = `require('net').connect('\\0${name}').on('connect',()=>{console.log('connected');process.exit(0)}).on('error',(e)=>{console.error('connect: '+e.message);process.exit(3)})`;
      const r = await run([process.execPath, '-e', script]);
      expect(r.stdout).not.toContain('connected');
      expect(r.exitCode).toBe(3);
      expect(connections).toBe(0);
    } finally {
      server.close();
    }
  });

  it('cannot reach a host service on a unix socket in a visible directory', async () => {
    const dir = mkdtempSync('/var/tmp/ward-sock-');
    const path = `${dir}/daemon.sock`;
    let connections = 0;
    const server: Server = createServer((s) => {
      connections++;
      s.destroy();
    });
    await new Promise<void>((r) => server.listen(path, r));
    try {
      const script = `require('net').connect(${JSON.stringify(path)}).on('connect',()=>{console.log('connected');process.exit(0)}).on('error',(e)=>{console.error('connect: '+e.message);process.exit(3)})`;
      const r = await run([process.execPath, '-e', script]);
      expect(r.stdout).not.toContain('connected');
      expect(r.exitCode).toBe(3);
      expect(connections).toBe(0);
    } finally {
      server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('holds no descriptor to a host file or socket outside what it may see', async () => {
    // Every fd of every process in the sandbox: pipes, /dev and its own files only, never a host path.
    const r = await run([
      '/bin/sh',
      '-c',
      'for f in /proc/[0-9]*/fd/*; do readlink "$f"; done 2>/dev/null | sort -u',
    ]);
    const targets = r.stdout.split('\n').filter(Boolean);
    expect(targets.length).toBeGreaterThan(0);
    const allowed = (t: string) =>
      /^(pipe|anon_inode|socket):/.test(t) || t.startsWith('/dev/') || t.startsWith('/proc/') || t === ws;
    expect(targets.filter((t) => !allowed(t))).toEqual([]);
  });
});

describe.runIf(!canSandbox)('kernel and local-service escapes (needs real bubblewrap)', () => {
  it.skip('needs a working /usr/bin/bwrap on Linux', () => {});
});
