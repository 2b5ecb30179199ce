import { availableParallelism } from 'node:os';
import type { EngineRate } from './engine-rate.js';
import type { PrepareRate } from './prepare-rate.js';
import { fmt } from './stats.js';
import type { Health } from './ward-child.js';

/** Rows per insert into `table` between two /healthz samples (0 when unknown). */
export function insertSize([before, after]: [Health | null, Health | null], table: string): number {
  const a = before?.writer?.inserts?.[table] ?? { count: 0, rows: 0 };
  const b = after?.writer?.inserts?.[table];
  if (!b || b.count <= a.count) return 0;
  return Math.round((b.rows - a.rows) / (b.count - a.count));
}

/**
 * The limits measured beside the targets: the engine alone in inserts as large as Ward's (what the exporters'
 * records in flight allow); Ward's own preparing alone, and the two together on the machine's cores (their CPU
 * per record adds up); and Little's law for the latency (a request waits on average the records in flight
 * over the rate, so p99 <= 250 ms needs at least that many records a second).
 */
export function limits(
  atWardSize: EngineRate | undefined,
  prepared: PrepareRate,
  peerRate: number,
  wardInsert: number,
  wardRate: number,
  inFlightRecords: number,
  latencies: number[],
  journaled: boolean,
): string[] {
  const mean = latencies.reduce((s, x) => s + x, 0) / Math.max(1, latencies.length);
  const cores = availableParallelism();
  // Both halves of the work share the same cores: their CPU per record adds up (a bound: HTTP, the main thread,
  // the analyzer and the load generator come on top).
  const ceiling = atWardSize ? (cores * 1e6) / (prepared.cpuUs + atWardSize.cpuUs) : 0;
  return [
    atWardSize
      ? `  limit: the engine alone in inserts of Ward's size (${fmt(wardInsert)} raw rows${journaled ? ', the journal lets them outgrow' : ', at most what'} the ${fmt(inFlightRecords)} records in flight${journaled ? '' : ' allow'}): ${fmt(atWardSize.recordsPerSec)} records/s, ${fmt(atWardSize.cpuUs, 1)} µs of CPU per record; Ward / that: ${fmt(wardRate / atWardSize.recordsPerSec, 2)} ×`
      : "  limit: Ward's insert size not reported by /healthz",
    `  limit: decode → redact → normalize → RowBinary alone on ${prepared.threads} threads (as the ingest workers): ${fmt(prepared.recordsPerSec)} records/s, ${fmt(prepared.cpuUs, 1)} µs of CPU per record`,
    ...(atWardSize
      ? [
          `  limit: that and the engine at Ward's size on the same ${cores} cores: at most ${fmt(ceiling)} records/s (${fmt(prepared.cpuUs, 1)} + ${fmt(atWardSize.cpuUs, 1)} µs of CPU per record; before HTTP, the main thread, the analyzer and the load generator), ${fmt(ceiling / peerRate, 2)} × the engine alone; Ward / that: ${fmt(wardRate / ceiling, 2)} ×`,
        ]
      : []),
    `  limit: ${fmt(inFlightRecords)} records in flight at ${fmt(wardRate)} records/s wait ${fmt((1000 * inFlightRecords) / wardRate, 1)} ms on average (Little's law; measured mean ${fmt(mean, 1)} ms); p99 <= 250 ms needs more than ${fmt(inFlightRecords / 0.25)} records/s`,
  ];
}
