/**
 * Statements of background work, by the tag each store call carries (sent as `log_comment: ward:<tag>`): the
 * analyzer's scoring loop, report builds and audit verification. The engine's worker runs them one at a time on
 * their own connection, so the API's statements never queue behind one of them, and an approval's or a hook's
 * bound statement waits behind at most one (chDB runs bound statements one at a time per process).
 */
const BACKGROUND =
  /^ward:(?:analyzer\.(?:events-after|ingest-counts|unseen-from|sightings\.|session-|state\.|risk\.put|suppressions\.|baseline\.|unscored$)|alerts\.by-sessions$|report\.|audit\.verify\.)/;

/**
 * Statements an approval or a hook waits on: the approval's own writes and its pending count, the audit append
 * that records its steps, its agent_events row, grants and token lookups. They run on their own engine
 * connections (a connection runs one statement at a time, so on a shared one they would queue behind the API's
 * and the analyzer's). The periodic scans (waiters' poll for decisions made elsewhere, the expiry sweep, lists)
 * are not on it: one of them can take 100 ms under load. Nor is the read of one request (`approvals.get`): with
 * the embedded engine it is served from memory on the approval's own path, and any runner can send it for
 * unknown ids as fast as it likes, which on this lane filled its cap and refused other runners' requests.
 */
const APPROVAL_PATH =
  /^ward:(?:approvals\.(?:create|resolve|pending-of)$|audit\.(?:append|checkpoint|head)$|events\.insert$|grants\.|tokens\.lookup$|session-reads\.(?:note|latest)$)/;

/** True when a statement with this log comment is background work. */
export function isBackground(logComment: unknown): boolean {
  return typeof logComment === 'string' && BACKGROUND.test(logComment);
}

/** True when a statement with this log comment is on the approval path (the worker's approval lane). */
export function isApprovalPath(logComment: unknown): boolean {
  return typeof logComment === 'string' && APPROVAL_PATH.test(logComment);
}
