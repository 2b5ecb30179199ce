import { describe, expect, it } from 'vitest';

/** Review 3 (2026-12-06): the network ask against a command that names host after host. */
describe("review 3: --ask-net cannot flood the human's approval queue", () => {
  it('a command naming 200 distinct hosts makes at most MAX_HOSTS_ASKED requests; the rest are refused unasked', async () => {
    const { MAX_HOSTS_ASKED } = await import('./network-ask.js');
    const { recordingNetworkAsk } = await import('./network-ask-test-support.js');
    const { ask, requested, messages } = recordingNetworkAsk('denied');
    // Before: one approval request per name, a1.noise.example … a200.noise.example, all in the human's queue.
    const answers = await Promise.all(
      Array.from({ length: 200 }, (_, i) => ask.decide(`a${i}.noise.example`, 443)),
    );
    expect(answers.every((a) => a === 'deny')).toBe(true);
    expect(requested).toHaveLength(MAX_HOSTS_ASKED);
    expect(messages.filter((m) => m.includes('refused unasked'))).toHaveLength(1);
    // A host already asked about keeps its answer and is not asked again.
    await ask.decide('a0.noise.example', 443);
    expect(requested).toHaveLength(MAX_HOSTS_ASKED);
  });
});
