import { describe, expect, it } from 'vitest';
import { matchAllowEntry, parseAllowEntry } from './allow-entry.js';

describe('parseAllowEntry', () => {
  it.each([
    ['example.com', { host: 'example.com', wildcard: false, ip: false, ports: [80, 443] }],
    ['Example.COM.', { host: 'example.com', wildcard: false, ip: false, ports: [80, 443] }],
    ['registry.npmjs.org:443', { host: 'registry.npmjs.org', wildcard: false, ip: false, ports: [443] }],
    ['*.github.com', { host: 'github.com', wildcard: true, ip: false, ports: [80, 443] }],
    ['*.example.com:8443', { host: 'example.com', wildcard: true, ip: false, ports: [8443] }],
    ['127.0.0.1:9000', { host: '127.0.0.1', wildcard: false, ip: true, ports: [9000] }],
    ['10.1.2.3', { host: '10.1.2.3', wildcard: false, ip: true, ports: [80, 443] }],
    ['::1', { host: '::1', wildcard: false, ip: true, ports: [80, 443] }],
    ['[::1]:8080', { host: '::1', wildcard: false, ip: true, ports: [8080] }],
    ['[2001:DB8:0:0::1]', { host: '2001:db8::1', wildcard: false, ip: true, ports: [80, 443] }],
    ['::ffff:127.0.0.1', { host: '::ffff:7f00:1', wildcard: false, ip: true, ports: [80, 443] }],
  ])('%s', (input, expected) => {
    expect(parseAllowEntry(input)).toEqual({ source: input, ...expected });
  });

  it.each([
    ['', /empty/],
    ['https://example.com', /not a URL/],
    ['example.com/path', /not a URL/],
    ['10.0.0.0/8', /CIDR/],
    ['example.com:0', /port/],
    ['example.com:65536', /port/],
    ['example.com:http', /port/],
    ['example.com:', /port/],
    ['*', /not a host name/],
    ['*.', /not a host name/],
    ['foo.*.com', /not a host name/],
    ['*example.com', /not a host name/],
    ['exa mple.com', /not a host name/],
    ['-bad.example.com', /not a host name/],
    ['[::1', /missing "]"/],
    ['[::1]x', /":port"/],
    ['[nothost]:80', /not an IPv6/],
    ['[fe80::1%eth0]:80', /not an IPv6/],
    ['1:2:3:4:5:6:7:8:9:443', /\[addr\]:port/],
  ])('rejects %j', (input, message) => {
    expect(() => parseAllowEntry(input)).toThrow(message);
  });
});

describe('matchAllowEntry', () => {
  const entries = ['example.com', '*.github.com', 'api.test:8443', '127.0.0.1:9000'].map(parseAllowEntry);
  it.each([
    ['example.com', 443, 'example.com'],
    ['example.com', 80, 'example.com'],
    ['example.com', 8080, undefined],
    ['www.example.com', 443, undefined],
    ['api.github.com', 443, '*.github.com'],
    ['a.b.github.com', 443, '*.github.com'],
    ['github.com', 443, undefined],
    ['evilgithub.com', 443, undefined],
    ['api.test', 8443, 'api.test:8443'],
    ['api.test', 443, undefined],
    ['127.0.0.1', 9000, '127.0.0.1:9000'],
    ['127.0.0.1', 9001, undefined],
  ])('%s:%i -> %s', (host, port, source) => {
    expect(matchAllowEntry(entries, host, port)?.source).toBe(source);
  });

  it('never matches an IP literal against a wildcard', () => {
    expect(matchAllowEntry([parseAllowEntry('*.0.5')], '10.0.0.5', 443)).toBeUndefined();
  });
});
