import { describe, expect, it } from 'vitest';
import { makeEvent } from '../../test/helpers/events.js';
import { testStore } from '../../test/helpers/store.js';
import { encodeAgentEventRows } from './tables.js';

/**
 * A spool written before migration 45 holds agent_events RowBinary without the last column (attributes_ref).
 * Replayed after the upgrade, it must be stored as it was meant, not misread.
 */
describe('agent_events RowBinary from before attributes_ref', () => {
  it('stores a legacy payload through the fallback layout, and the current one directly', async () => {
    const store = await testStore('ward_rb_legacy');
    const events = Array.from({ length: 20 }, (_, i) =>
      makeEvent({
        session_id: 'S-legacy',
        time: new Date(Date.UTC(2026, 10, 29, 7, 0, i)).toISOString(),
        command: `printf ${i}`,
        attributes: { k: `v${i}` },
      }),
    );
    // Each row of the current layout ends with an empty attributes_ref map (one 0 byte): without it, the row
    // is exactly the legacy row.
    const legacy = Buffer.concat(
      events.slice(0, 10).map((e) => {
        const row = encodeAgentEventRows([e]);
        expect(row[row.length - 1]).toBe(0);
        return row.subarray(0, row.length - 1);
      }),
    );
    await store.raw.insertRowBinaryPayload('agent_events', legacy);
    await store.raw.insertRowBinaryPayload('agent_events', encodeAgentEventRows(events.slice(10)));
    const page = await store.events.query({ session: 'S-legacy', limit: 100 });
    expect(page.events).toHaveLength(20);
    expect(page.events.map((e) => e.command).sort()).toEqual(events.map((e) => e.command).sort());
    expect(page.events.find((e) => e.command === 'printf 3')?.attributes).toEqual({ k: 'v3' });
  });

  it('still refuses a payload that fits neither layout', async () => {
    const store = await testStore('ward_rb_legacy');
    await expect(
      store.raw.insertRowBinaryPayload('agent_events', new Uint8Array([5, 1, 2, 3])),
    ).rejects.toThrow();
  });
});
