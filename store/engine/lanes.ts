/**
 * Statements of background work, by the tag each store call carries (sent as `log_comment: ward:<tag>`): the
 * analyzer's scoring loop, report builds and audit verification. The engine's worker runs them one at a time,
 * so an approval's or a hook's statement waits behind at most one of them (chDB runs bound statements one at
 * a time per process, in the order they are given).
 */
const BACKGROUND =
  /^ward:(?:analyzer\.(?:events-after|ingest-counts|sightings\.|session-|state\.|risk\.put|suppressions\.)|report\.|audit\.verify\.)/;

/** True when a statement with this log comment is background work. */
export function isBackground(logComment: unknown): boolean {
  return typeof logComment === 'string' && BACKGROUND.test(logComment);
}
