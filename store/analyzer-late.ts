import { createHash } from 'node:crypto';
import type { Watermark } from './analyzer.js';
import type { Db } from './db.js';
import { clickhouseTimeToIso } from './rows/common.js';

/** Rows of one ingest time, and the XOR of their ids' fingerprints. */
export interface IngestGroup {
  n: number;
  x: bigint;
}

/**
 * An event id's fingerprint, as `ingestCounts` computes it in SQL (`reinterpretAsUInt64(MD5(event_id))`: the
 * digest's first 8 bytes, little-endian). Not a security boundary: ids are digests Ward computes itself.
 */
export function idFingerprint(eventId: string): bigint {
  return createHash('md5').update(eventId, 'utf8').digest().readBigUInt64LE(0);
}

/** The analyzer's reads for rows that show after its watermark passed them (analyzer/loop.ts, the late check). */
export function createLateRowQueries(db: Db, events: string) {
  return {
    /**
     * Per ingest time in a window: the rows, and the XOR of their ids' fingerprints (`idFingerprint`). The loop
     * compares them with what it read: a late insert shows, even where a merge took a row away at the same time.
     */
    async ingestCounts(fromIso: string, to: Watermark): Promise<Map<string, IngestGroup>> {
      const rows = await db.query<{ t: string; n: string; x: string }>(
        'analyzer.ingest-counts',
        `SELECT toString(ingested_at) AS t, count() AS n,
                toString(groupBitXor(reinterpretAsUInt64(MD5(event_id)))) AS x
         FROM ${events}
         WHERE ingested_at >= parseDateTime64BestEffort({f:String}, 3, 'UTC')
           AND (ingested_at, event_id) <= (parseDateTime64BestEffort({t:String}, 3, 'UTC'), {id:String})
         GROUP BY ingested_at`,
        { f: fromIso, t: to.ingestedAt, id: to.eventId },
      );
      return new Map(rows.map((r) => [clickhouseTimeToIso(r.t), { n: Number(r.n), x: BigInt(r.x) }]));
    },

    /**
     * The earliest ingest time a row that is not visible yet can carry: the start of the oldest insert still
     * running on this server, or the engine's time now. An insert's rows show when it commits but carry the
     * time it began (`ingested_at DEFAULT now64(3)` is fixed as the statement starts).
     */
    async unseenFrom(): Promise<string> {
      const rows = await db.query<{ t: string }>(
        'analyzer.unseen-from',
        `SELECT toString(if(count() = 0, now64(3, 'UTC'), least(now64(3, 'UTC'),
                  min(now64(3, 'UTC') - toIntervalMillisecond(toUInt64(elapsed * 1000)))))) AS t
         FROM system.processes WHERE query_kind = 'Insert'`,
      );
      const t = rows[0]?.t;
      if (!t) throw new Error('the engine did not answer with its time');
      return clickhouseTimeToIso(t);
    },
  };
}
