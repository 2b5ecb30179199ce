import { prepareRequest, type TablePayload } from '../../collector/index.js';
import { createRedactor } from '../../schema/fast.js';
import { createStore } from '../../store/index.js';
import type { EncodedBatch } from './batches.js';

export interface EngineRate {
  records: number;
  seconds: number;
  recordsPerSec: number;
  /** CPU time of the whole process (the engine's threads and this one) per record, in µs. */
  cpuUs: number;
  format: string;
}

/**
 * The embedded engine's own insert rate for Ward's rows: the same requests prepared up front exactly as
 * Ward prepares them (same format: RowBinary on the embedded engine), not timed; then `records` otel_logs
 * rows and their agent_events handed to the engine through the store's insert path in chunks of
 * `chunkRows` requests' worth, one table after the other.
 */
export async function measureEngine(
  dataDir: string,
  batches: EncodedBatch[],
  records: number,
  chunkRows: number,
): Promise<EngineRate> {
  const store = await createStore({ dataDir });
  const redact = createRedactor();
  const prepared = batches.map((b) =>
    prepareRequest('logs', b.body, 'protobuf', redact, { codec: store.ingest.codec }),
  );
  const perRequest = prepared[0]?.records ?? 1;
  const requestsPerChunk = Math.max(1, Math.round(chunkRows / perRequest));
  const chunks: TablePayload[][] = [];
  for (let done = 0, i = 0; done < records; ) {
    const group = Array.from({ length: requestsPerChunk }, (_, k) => prepared[(i + k) % prepared.length]!);
    i += requestsPerChunk;
    done += group.reduce((n, p) => n + p.records, 0);
    const byTable = new Map<string, TablePayload[]>();
    for (const p of group)
      for (const part of p.parts) byTable.set(part.table, [...(byTable.get(part.table) ?? []), part]);
    chunks.push(
      [...byTable.values()].map((parts) => ({
        ...(parts[0] as TablePayload),
        payload: Buffer.concat(parts.map((x) => x.payload)),
        rows: parts.reduce((n, x) => n + x.rows, 0),
      })),
    );
  }
  const total = chunks.length * requestsPerChunk * perRequest;
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  for (const chunk of chunks) {
    for (const part of chunk) {
      if (part.rows === 0) continue;
      await store.ingest.write(part);
    }
  }
  const seconds = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  const format = store.ingest.codec.rowBinary ? 'RowBinary' : 'JSONEachRow';
  await store.close();
  return {
    records: total,
    seconds,
    recordsPerSec: total / seconds,
    cpuUs: (cpu.user + cpu.system) / total,
    format,
  };
}
