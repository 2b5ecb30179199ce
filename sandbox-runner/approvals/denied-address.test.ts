import { describe, expect, it } from 'vitest';
import { createDeniedAddresses } from './denied-address.js';
import { recordingNetworkAsk } from './network-ask-test-support.js';

// Found in attacker pass 14: the deny list matched the name asked for only. A command connecting to a denied
// host by its IP literal became an approval request ("connect 203.0.113.7:443") a human could approve.

const NAMES: Record<string, string[]> = {
  'paste.example': ['203.0.113.7', '2001:db8::7'],
  'other.example': ['198.51.100.9'],
};
const resolve = async (host: string) => {
  const found = NAMES[host];
  if (!found) throw new Error(`ENOTFOUND ${host}`);
  return found;
};

describe('the deny list against an IP literal', () => {
  it('refuses the addresses of a denied name, unasked; asks about other addresses as before', async () => {
    const { ask, requested, messages } = recordingNetworkAsk('approved', {
      denyHosts: ['paste.example', '*.wild.example', 'gone.example'],
      resolve,
    });
    expect(await ask.decide('203.0.113.7', 443)).toBe('deny');
    expect(await ask.decide('2001:db8::7', 443)).toBe('deny');
    expect(requested).toEqual([]);
    expect(messages.join('')).toContain(
      "refused 203.0.113.7:443: an address of paste.example, on the policy's deny list",
    );
    // An address no denied name has is asked about (and approved by the human here).
    expect(await ask.decide('198.51.100.9', 443)).toBe('allow');
    expect(requested).toEqual(['connect 198.51.100.9:443']);
  });

  it('looks up only the policy names, never the host asked about, and each name once', async () => {
    const looked: string[] = [];
    const denied = createDeniedAddresses(['paste.example', '*.wild.example', '192.0.2.5'], async (h) => {
      looked.push(h);
      return resolve(h);
    });
    expect(await denied('ask.attacker.example')).toBeNull();
    expect(looked).toEqual([]);
    expect(await denied('203.0.113.7')).toBe('paste.example');
    expect(await denied('192.0.2.5')).toBe('192.0.2.5');
    expect(await denied('198.51.100.9')).toBeNull();
    expect(looked).toEqual(['paste.example']);
  });

  it('a name that does not resolve is left out, and looked up again at the next ask', async () => {
    let up = false;
    const looked: string[] = [];
    const denied = createDeniedAddresses(['late.example'], async (h) => {
      looked.push(h);
      if (!up) throw new Error('EAI_AGAIN');
      return ['203.0.113.50'];
    });
    expect(await denied('203.0.113.50')).toBeNull();
    up = true;
    expect(await denied('203.0.113.50')).toBe('late.example');
    expect(looked).toEqual(['late.example', 'late.example']);
  });
});
