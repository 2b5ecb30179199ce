import { toJsonEachRow } from '../../collector/ingest/prepare.js';
import { normalizeLogs } from '../../collector/normalize/index.js';
import { decodeLogs } from '../../collector/otlp/index.js';
import { createRedactor } from '../../collector/redact/index.js';
import { createStore, eventToRow, logsToRows } from '../../store/index.js';
import type { EncodedBatch } from './batches.js';

export interface EngineRate {
  records: number;
  seconds: number;
  recordsPerSec: number;
}

/**
 * The embedded engine's own insert rate for Ward's rows: the same requests decoded, normalized and
 * serialized up front (not timed), then `records` otel_logs rows and their agent_events handed to the
 * engine through the store's fastest path (ready JSONEachRow payloads) in chunks of `chunkRows`.
 */
export async function measureEngine(
  dataDir: string,
  batches: EncodedBatch[],
  records: number,
  chunkRows: number,
): Promise<EngineRate> {
  const store = await createStore({ dataDir });
  const redact = createRedactor();
  const prepared = batches.map((b) => {
    const req = decodeLogs(b.body, 'protobuf');
    return { logs: logsToRows(req), events: normalizeLogs(req, { redact }) };
  });
  const allLogs: object[] = prepared.flatMap((p) => p.logs);
  const eventsPerRecord = prepared.reduce((n, p) => n + p.events.length, 0) / allLogs.length;
  const allEvents: object[] = prepared.flatMap((p) => p.events.map(eventToRow));
  const take = <T>(from: T[], offset: number, n: number): T[] => {
    const out: T[] = [];
    for (let i = 0; i < n; i++) out.push(from[(offset + i) % from.length]!);
    return out;
  };
  const chunks: { logs: Uint8Array; events: Uint8Array }[] = [];
  for (let done = 0, eventOffset = 0; done < records; ) {
    const n = Math.min(chunkRows, records - done);
    const events = Math.round(n * eventsPerRecord);
    chunks.push({
      logs: toJsonEachRow(take(allLogs, done, n)),
      events: toJsonEachRow(take(allEvents, eventOffset, events)),
    });
    done += n;
    eventOffset += events;
  }
  const start = performance.now();
  for (const c of chunks) {
    await store.raw.insertPayload('otel_logs', c.logs);
    await store.raw.insertPayload('agent_events', c.events);
  }
  const seconds = (performance.now() - start) / 1000;
  await store.close();
  return { records, seconds, recordsPerSec: records / seconds };
}
