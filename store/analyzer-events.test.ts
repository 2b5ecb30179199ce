import { describe, expect, it } from 'vitest';
import { type AgentEvent, emptyAgentEvent, toCanonicalIso } from '../schema/index.js';
import { testStore } from '../test/helpers/store.js';
import type { IngestedEvent, Watermark } from './index.js';
import { RowBinaryReader } from './rowbinary/reader.js';

function event(i: number, over: Partial<AgentEvent> = {}): AgentEvent {
  const time = toCanonicalIso(new Date(Date.UTC(2026, 10, 20, 10, 0, i, 123)).toISOString());
  return {
    ...emptyAgentEvent(),
    event_id: `ev-${String(i).padStart(4, '0')}`,
    time,
    raw_time: time,
    agent: 'codex',
    session_id: `read-s${i % 4}`,
    user_id: 'dev@acme.dev',
    repo: 'https://git.example/acme/app',
    cwd: '/home/dev/app',
    kind: 'command',
    tool: 'exec_command',
    call_id: `call-${i}`,
    command: `git status # ${i}`,
    decision: 'allow',
    ...over,
  };
}

/** Every event after `from`, paged `limit` at a time as the analyzer loop reads them. */
async function readAll(limit: number, from: Watermark | null = null): Promise<IngestedEvent[]> {
  const store = await testStore();
  const out: IngestedEvent[] = [];
  for (let w = from; ; ) {
    const page = await store.analyzer.eventsAfter(w, limit);
    if (page.length === 0) return out;
    expect(page.length).toBeLessThanOrEqual(limit);
    out.push(...page);
    const last = page[page.length - 1] as IngestedEvent;
    w = { ingestedAt: last.ingestedAt, eventId: last.event.event_id };
  }
}

describe('the analyzer reads stored events in batches (RowBinary, bounded per batch)', () => {
  it('pages through several inserts, within and across ingest times, each event once and in order', async () => {
    const store = await testStore();
    const hostile = [
      event(0, { command: 'printf "\\x1b[2J\u0007" | sh # control chars', target: 'naïve/路径/🙂' }),
      event(1, { command: `echo ${'A'.repeat(70_000)}`, exit_code: -1, success: false }),
      event(2, {
        kind: 'network',
        command: '',
        target: 'evil.example:443',
        bytes_out: 2 ** 40,
        decision: 'deny',
      }),
      event(3, { duration_ms: 12.5, bytes_in: 0, missing: ['user_id', 'repo'] }),
    ];
    const batches = [hostile, Array.from({ length: 21 }, (_, i) => event(10 + i)), [event(40), event(41)]];
    for (const b of batches) await store.events.insert(b);
    const sent = batches.flat();

    // Small pages cut through ingest-time groups; the ids come back once each, in (ingest time, id) order.
    const read = (await readAll(5)).filter((r) => r.event.session_id.startsWith('read-s'));
    expect(read.map((r) => r.event.event_id).sort()).toEqual(sent.map((e) => e.event_id).sort());
    for (let i = 1; i < read.length; i++) {
      const [a, b] = [read[i - 1] as IngestedEvent, read[i] as IngestedEvent];
      expect(
        a.ingestedAt < b.ingestedAt || (a.ingestedAt === b.ingestedAt && a.event.event_id < b.event.event_id),
      ).toBe(true);
    }
    // The fields scoring reads survive the binary round trip exactly (text, numbers, nulls, lists, times).
    const byId = new Map(read.map((r) => [r.event.event_id, r.event]));
    for (const e of sent) {
      const got = byId.get(e.event_id) as AgentEvent;
      for (const k of [
        'time',
        'agent',
        'session_id',
        'user_id',
        'repo',
        'cwd',
        'kind',
        'tool',
        'call_id',
        'command',
        'target',
        'decision',
        'exit_code',
        'duration_ms',
        'bytes_in',
        'bytes_out',
        'success',
        'missing',
      ] as const)
        expect(got[k], `${e.event_id}.${k}`).toEqual(e[k]);
    }
    for (const r of read) expect(r.ingestedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);

    // Resuming from a watermark inside a group returns exactly what follows it.
    const mid = read[7] as IngestedEvent;
    const rest = (await readAll(4, { ingestedAt: mid.ingestedAt, eventId: mid.event.event_id })).filter((r) =>
      r.event.session_id.startsWith('read-s'),
    );
    expect(rest.map((r) => r.event.event_id)).toEqual(read.slice(8).map((r) => r.event.event_id));
  });
});

describe('RowBinaryReader', () => {
  it('reads LEB128 lengths, nullables and strings, and refuses a truncated result', () => {
    const text = Buffer.from('héllo', 'utf8');
    const buf = Buffer.concat([
      Buffer.from([0xac, 0x02]), // 300
      Buffer.from([text.length]),
      text,
      Buffer.from([1]), // null
      Buffer.from([0, 0xff, 0xff, 0xff, 0xff]), // -1
    ]);
    const r = new RowBinaryReader(buf);
    expect(r.varUInt()).toBe(300);
    expect(r.lowCardinality()).toBe('héllo');
    expect(r.nullable(() => r.int32())).toBeNull();
    expect(r.nullable(() => r.int32())).toBe(-1);
    expect(r.done()).toBe(true);
    // A length that runs past the end (a cut-off result) throws instead of reading garbage.
    expect(() => new RowBinaryReader(Buffer.from([10, 0x61, 0x62])).string()).toThrow(RangeError);
    expect(() => new RowBinaryReader(Buffer.from([0x80, 0x80])).varUInt()).toThrow(RangeError);
  });

  it('interns repeated short values without mixing up values whose hashes collide', () => {
    const words = ['codex', 'claude-code', 'gemini-cli', 'codex', 'dev@acme.dev', 'codex'];
    // "Aa" and "BB" share a 31-polynomial hash: interning must compare bytes, not trust the hash.
    words.push('Aa', 'BB', 'Aa', 'BB');
    const buf = Buffer.concat(words.map((w) => Buffer.concat([Buffer.from([w.length]), Buffer.from(w)])));
    const r = new RowBinaryReader(buf);
    expect(words.map(() => r.lowCardinality())).toEqual(words);
  });
});
