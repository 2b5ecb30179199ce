import type { VersionedApproval } from './approvals.js';

/** What one entry holds, roughly: its text at two bytes a character, plus a fixed part. */
function sizeOf(v: VersionedApproval): number {
  const a = v.approval;
  let chars = a.command.length + a.cwd.length + a.decision_reason.length + a.session_id.length;
  chars += a.requested_by.length + a.decided_by.length + (a.project?.length ?? 0);
  for (const r of a.reasons)
    chars += r.rule_id.length + r.category.length + r.attack_id.length + r.detail.length;
  return 2 * chars + 512;
}

/**
 * The latest version of the approvals this process wrote or read, for a store only this process writes (the
 * embedded engine: its data dir is locked by one process). An approval's reads then need no statement: the
 * decision an analyst sends and the runner's wait each read the request first, and under saturated ingest one
 * such read took ~40 ms. Bounded in entries and in bytes (a runner may send ~1 MiB requests that expire at
 * once): past either bound the least recently used go, an entry larger than `maxEntryBytes` is not kept, and
 * a miss reads the table. Entries are copies, so a caller changing what it got cannot change what the next
 * caller reads.
 */
export function createApprovalCache(
  opts: { maxEntries?: number; maxBytes?: number; maxEntryBytes?: number } = {},
) {
  const maxEntries = opts.maxEntries ?? 10_000;
  const maxBytes = opts.maxBytes ?? 16 * 1024 * 1024;
  const maxEntryBytes = opts.maxEntryBytes ?? 64 * 1024;
  const entries = new Map<string, { v: VersionedApproval; bytes: number }>();
  let bytes = 0;
  const drop = (id: string) => {
    const e = entries.get(id);
    if (!e) return;
    bytes -= e.bytes;
    entries.delete(id);
  };
  return {
    get(id: string): VersionedApproval | undefined {
      const hit = entries.get(id);
      if (!hit) return undefined;
      entries.delete(id);
      entries.set(id, hit);
      return structuredClone(hit.v);
    },
    /** Keeps `v` unless a higher version of the same approval is already kept. */
    put(v: VersionedApproval): void {
      const id = v.approval.id;
      const kept = entries.get(id);
      if (kept && kept.v.version > v.version) return;
      drop(id);
      const size = sizeOf(v);
      if (size > maxEntryBytes) return;
      entries.set(id, { v: structuredClone(v), bytes: size });
      bytes += size;
      while (entries.size > maxEntries || bytes > maxBytes) {
        const oldest = entries.keys().next().value;
        if (oldest === undefined) break;
        drop(oldest);
      }
    },
    forget(id: string): void {
      drop(id);
    },
    get size() {
      return entries.size;
    },
    /** The entries' estimated size (what `maxBytes` bounds). */
    get bytes() {
      return bytes;
    },
  };
}
export type ApprovalCache = ReturnType<typeof createApprovalCache>;
