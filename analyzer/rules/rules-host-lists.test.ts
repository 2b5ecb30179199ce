import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

/**
 * Two rules say "every host named is of this kind" as a pair: a list (or pattern) of the kind, and `other_host`,
 * a pattern for any host that is not of it (Sigma has no "every value" match). The pair is written twice over, so
 * a host added to one side and not the other either silences the rule for any upload beside it, or makes the
 * exception dead. These checks keep the two sides each other's complement on the hosts that matter.
 */
type Rule = { detection: Record<string, Record<string, unknown>> };
const rule = (name: string) => parse(readFileSync(new URL(`./${name}.yml`, import.meta.url), 'utf8')) as Rule;
const pattern = (r: Rule, item: string) => new RegExp(String(r.detection[item]?.['host|re']));

/** Hosts no list names: near misses of listed ones included (a suffix, a prefix, a subdomain). */
const near = (host: string) => [`x${host}`, `${host}.evil.example`, `evil.${host}`, `${host}x`];

describe('the host lists of a rule and its other_host pattern agree', () => {
  it('download-execute: every known installer is excluded from other_host, and nothing else is', () => {
    const r = rule('download-execute');
    const known = r.detection.known_installers?.host as string[];
    const other = pattern(r, 'other_host');
    expect(known.length).toBeGreaterThan(5);
    for (const host of known) {
      expect(other.test(host), host).toBe(false);
      for (const h of near(host)) expect(other.test(h), h).toBe(true);
    }
    for (const h of ['get.evil.example', 'пример.example', '203.0.113.9', 'localhost'])
      expect(other.test(h), h).toBe(true);
  });

  it('exfil-channel: local_host and other_host split hosts in two', () => {
    const r = rule('exfil-channel');
    const local = pattern(r, 'local_host');
    const other = pattern(r, 'other_host');
    const hosts = ['localhost', '127.0.0.1', '127.9.8.7', '::1', '[::1]', '0.0.0.0'];
    const remote = [
      'localhost.evil.example',
      '127.0.0.1.nip.io',
      'drop.example',
      '10.0.0.1',
      '::ffff:203.0.113.9',
    ];
    for (const h of hosts) expect([local.test(h), other.test(h)], h).toEqual([true, false]);
    for (const h of remote) expect([local.test(h), other.test(h)], h).toEqual([false, true]);
  });
});
