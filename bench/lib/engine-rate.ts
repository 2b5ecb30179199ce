import { normalizeLogs } from '../../collector/normalize/index.js';
import { decodeLogs } from '../../collector/otlp/index.js';
import { createRedactor } from '../../collector/redact/index.js';
import type { AgentEvent } from '../../schema/index.js';
import { createStore, logsToRows, type OtelLogRow } from '../../store/index.js';
import type { EncodedBatch } from './batches.js';

export interface EngineRate {
  records: number;
  seconds: number;
  recordsPerSec: number;
}

/**
 * The embedded engine's own insert rate for Ward's rows: the same requests decoded and normalized up front
 * (not timed), then `records` otel_logs rows and their agent_events inserted through the store in chunks
 * of `chunkRows`, both tables at once as Ward's writer does.
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
  const allLogs: OtelLogRow[] = prepared.flatMap((p) => p.logs);
  const eventsPerRecord = prepared.reduce((n, p) => n + p.events.length, 0) / allLogs.length;
  const allEvents: AgentEvent[] = prepared.flatMap((p) => p.events);
  const take = <T>(from: T[], offset: number, n: number): T[] => {
    const out: T[] = [];
    for (let i = 0; i < n; i++) out.push(from[(offset + i) % from.length]!);
    return out;
  };
  const start = performance.now();
  let done = 0;
  let eventOffset = 0;
  while (done < records) {
    const n = Math.min(chunkRows, records - done);
    const events = Math.round(n * eventsPerRecord);
    await Promise.all([
      store.raw.insert('otel_logs', take(allLogs, done, n)),
      store.events.insert(take(allEvents, eventOffset, events)),
    ]);
    done += n;
    eventOffset += events;
  }
  const seconds = (performance.now() - start) / 1000;
  await store.close();
  return { records, seconds, recordsPerSec: records / seconds };
}
