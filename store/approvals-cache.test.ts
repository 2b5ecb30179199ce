import { describe, expect, it } from 'vitest';
import type { Approval } from '../schema/index.js';
import { createApprovalCache } from './approvals-cache.js';

const text = { command: '', cwd: '', decision_reason: '', session_id: '', requested_by: '', decided_by: '' };
const a = (id: string, status: Approval['status'] = 'pending') =>
  ({ id, status, ...text, reasons: [] }) as unknown as Approval;

describe('the approvals cache', () => {
  it('keeps at most its limit, dropping the least recently used', () => {
    const cache = createApprovalCache({ maxEntries: 3 });
    for (const id of ['a', 'b', 'c']) cache.put({ approval: a(id), version: 1 });
    expect(cache.get('a')).toBeDefined(); // a is now the most recent
    cache.put({ approval: a('d'), version: 1 });
    expect(cache.size).toBe(3);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBeDefined();
    for (let i = 0; i < 10_000; i++) cache.put({ approval: a(`x${i}`), version: 1 });
    expect(cache.size).toBe(3);
  });

  it('never replaces a version with an older one, and forgets on request', () => {
    const cache = createApprovalCache();
    cache.put({ approval: a('a', 'approved'), version: 5 });
    cache.put({ approval: a('a', 'pending'), version: 4 });
    expect(cache.get('a')).toEqual({ approval: a('a', 'approved'), version: 5 });
    cache.forget('a');
    expect(cache.get('a')).toBeUndefined();
  });

  it('hands out copies', () => {
    const cache = createApprovalCache();
    const v = { approval: a('a'), version: 1 };
    cache.put(v);
    v.approval.status = 'approved';
    const got = cache.get('a');
    expect(got?.approval.status).toBe('pending');
    if (got) got.approval.status = 'denied';
    expect(cache.get('a')?.approval.status).toBe('pending');
  });

  it('is bounded in bytes too, and does not keep an entry larger than its cap', () => {
    const cache = createApprovalCache({ maxBytes: 100_000, maxEntryBytes: 20_000 });
    const big = (id: string, chars: number) =>
      ({
        id,
        status: 'pending',
        command: 'x'.repeat(chars),
        cwd: '',
        decision_reason: '',
        session_id: '',
        requested_by: '',
        decided_by: '',
        reasons: [],
      }) as unknown as Approval;
    cache.put({ approval: big('huge', 1_000_000), version: 1 });
    expect(cache.get('huge')).toBeUndefined();
    for (let i = 0; i < 100; i++) cache.put({ approval: big(`m${i}`, 9_000), version: 1 });
    expect(cache.bytes).toBeLessThanOrEqual(100_000);
    expect(cache.size).toBeLessThan(10);
    expect(cache.get('m99')).toBeDefined();
  });
});
