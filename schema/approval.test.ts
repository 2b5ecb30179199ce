import { describe, expect, it } from 'vitest';
import { ApprovalRequestInput } from './approval.js';

const request = (detail: string) =>
  ApprovalRequestInput.parse({
    session_id: 's',
    agent: 'claude-code',
    command: 'git push --force',
    risk: 0.7,
    reasons: [{ rule_id: 'r', category: 'c', attack_id: 'T1', detail }],
  }).reasons[0]?.detail;

describe('ApprovalRequestInput: reasons are cut to a bound, in characters', () => {
  it('cuts a long detail to 1,024 characters and says so', () => {
    expect(request('x'.repeat(5_000))).toBe(`${'x'.repeat(1_024)}…`);
  });
  it('leaves a detail of 1,024 characters or fewer as it is, counted in code points', () => {
    // 700 emoji: 1,400 UTF-16 units, 700 characters.
    const emoji = '\u{1F600}'.repeat(700);
    expect(request(emoji)).toBe(emoji);
    expect(request(`${'\u{1F600}'.repeat(1_025)}`)).toBe(`${'\u{1F600}'.repeat(1_024)}…`);
  });
});
