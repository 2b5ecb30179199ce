import type { VersionedApproval } from './approvals.js';

/**
 * The latest version of the approvals this process wrote or read, for a store only this process writes (the
 * embedded engine: its data dir is locked by one process). An approval's reads then need no statement: the
 * decision an analyst sends and the runner's wait each read the request first, and under saturated ingest one
 * such read took ~40 ms. Bounded: past `limit` the least recently used is dropped, and a miss reads the table.
 * Entries are copies, so a caller changing what it got cannot change what the next caller reads.
 */
export function createApprovalCache(limit = 10_000) {
  const entries = new Map<string, VersionedApproval>();
  return {
    get(id: string): VersionedApproval | undefined {
      const hit = entries.get(id);
      if (!hit) return undefined;
      entries.delete(id);
      entries.set(id, hit);
      return structuredClone(hit);
    },
    /** Keeps `v` unless a higher version of the same approval is already kept. */
    put(v: VersionedApproval): void {
      const id = v.approval.id;
      const kept = entries.get(id);
      if (kept && kept.version > v.version) return;
      entries.delete(id);
      entries.set(id, structuredClone(v));
      if (entries.size > limit) {
        const oldest = entries.keys().next().value;
        if (oldest !== undefined) entries.delete(oldest);
      }
    },
    forget(id: string): void {
      entries.delete(id);
    },
    get size() {
      return entries.size;
    },
  };
}
export type ApprovalCache = ReturnType<typeof createApprovalCache>;
