import { describe, expect, it } from 'vitest';
import { WARD } from '../../schema/fast.js';

/**
 * Review 3 (2026-12-06): a span must stay within the server's body limit and keep what matters whatever a
 * command does; the attacks run end to end in test/redteam-sandbox-telemetry-review-3.test.ts.
 */
describe('review 3: a span stays whole whatever the command did', () => {
  const ctx = { sessionId: 's', agent: 'a', operation: 'execute_tool' as const };
  const attempt = (i: number, decision: 'allow' | 'deny', host = `h${i}.invalid`) => ({
    time: new Date(1_700_000_000_000 + i).toISOString(),
    protocol: 'http-connect' as const,
    host,
    port: 443,
    resolved_ip: '',
    decision,
    reason: decision === 'deny' ? 'not in allowlist' : 'allowed by "x"',
    bytes_in: 0,
    bytes_out: decision === 'allow' ? 5_000_000 : 0,
    duration_ms: 1,
  });

  it('100,000 refused attempts are counted, not listed, and the upload after them keeps its host and bytes', async () => {
    const { createAttemptLog, LISTED_PER_DECISION, GROUPS_PER_DECISION } = await import('./attempt-log.js');
    const log = createAttemptLog();
    for (let i = 0; i < 100_000; i++) log.add(attempt(i, 'deny'));
    log.add(attempt(100_000, 'allow', 'uploads.example.com'));
    const list = log.list();
    expect(list.length).toBeLessThanOrEqual(2 * (LISTED_PER_DECISION + GROUPS_PER_DECISION + 1));
    expect(list.find((a) => a.decision === 'allow')).toMatchObject({
      host: 'uploads.example.com',
      bytes_out: 5_000_000,
    });
    // Every refusal is accounted for: listed ones plus the counts in the summaries' reasons.
    const counted = list
      .filter((a) => a.decision === 'deny')
      .reduce((n, a) => n + (Number(/^(\d+) more attempts/.exec(a.reason)?.[1]) || 1), 0);
    expect(counted).toBe(100_000);
  });

  it('200,000 files written give a span far under the server body limit, saying how many were left out', async () => {
    const { commandSpanRecord, MAX_LISTED_FILE_CHANGES, MAX_LISTED_VIOLATIONS } = await import(
      './span-record.js'
    );
    const n = 200_000;
    const fileChanges = Array.from({ length: n }, (_, i) => ({
      path: `/w/${'d'.repeat(200)}/${i}/.claude/settings.json`,
      change: 'created' as const,
      kind: 'file' as const,
      size: 2,
      sha256: 'a'.repeat(64),
    }));
    const violations = fileChanges.map((c) => ({ kind: 'protected_path_created' as const, detail: c.path }));
    const record = commandSpanRecord(
      {
        argv: ['sh'],
        command: 'sh',
        cwd: '/w',
        workspace: '/w',
        sandboxed: true,
        exitCode: 0,
        signal: null,
        killedBy: null,
        startTimeMs: 0,
        durationMs: 1,
        stdout: '',
        stderr: '',
        outputTruncated: false,
        fileChanges,
        filesTruncated: false,
        violations,
        networkAttempts: [],
        limitsBy: 'rlimits',
      },
      ctx,
    );
    // Before: ~70 MB in one span; the server's default limit is 16 MiB, so the whole command was refused (413).
    expect(JSON.stringify(record).length).toBeLessThan(4 * 1024 * 1024);
    expect(record.attributes[WARD.fileChangesOmitted]).toBe(n - MAX_LISTED_FILE_CHANGES);
    expect(record.events).toHaveLength(MAX_LISTED_VIOLATIONS + 1);
    expect(String(record.events.at(-1)?.attributes[WARD.violationDetail])).toContain(
      `${n - MAX_LISTED_VIOLATIONS} more violations not listed`,
    );
  });
});
