import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createStore, type Store } from '../index.js';

// The engine's merge threads run at ingest's lower priority (nice 10), so that merges never take the CPU ahead
// of the thread answering approvals, nor ahead of ingest itself. Read back from the kernel, not from our code.

function threads(): { name: string; nice: number }[] {
  const out: { name: string; nice: number }[] = [];
  for (const t of readdirSync('/proc/self/task')) {
    try {
      const stat = readFileSync(`/proc/self/task/${t}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      // Fields after the name: state is field 3; nice is field 19 (index 16 from state).
      const nice = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
      out.push({ name, nice });
    } catch {
      // The thread ended meanwhile.
    }
  }
  return out;
}

let store: Store;

beforeAll(async () => {
  store = await createStore({
    dataDir: mkdtempSync(join(tmpdir(), 'ward-prio-')),
    database: 'ward_prio_test',
  });
});
afterAll(async () => {
  await store?.close();
});

describe.runIf(process.platform === 'linux')('engine background threads (Linux /proc)', () => {
  it("runs the engine's merge threads at nice 10 and leaves the main thread at its own priority", async () => {
    const mainNice = threads()[0]?.nice;
    await store.db.command('t', 'CREATE TABLE ward_prio_test.m (id UInt32) ENGINE = MergeTree ORDER BY id');
    for (let i = 0; i < 3; i++) await store.db.insert('t', 'm', [{ id: i }]);
    await vi.waitFor(
      () => {
        const merges = threads().filter((t) => t.name.startsWith('MergeMutate'));
        expect(merges.length).toBeGreaterThan(0);
        expect(merges.every((t) => t.nice === 10)).toBe(true);
      },
      { timeout: 15_000, interval: 200 },
    );
    expect(threads()[0]?.nice).toBe(mainNice);
  });
});
