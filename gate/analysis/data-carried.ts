/**
 * What a URL's path and query, or a search's text, carry beyond reading: a run of 200 or more characters of
 * encoded data (base64, hex, percent escapes), or more than 1,024 characters in all once decoded. A page of docs or
 * an API's address is short; the contents of a file, encoded into the address, are what its host logs.
 */
export function dataCarried(rest: string): string | null {
  let decoded = rest;
  try {
    decoded = decodeURIComponent(rest.replace(/\+/g, ' '));
  } catch {
    // a malformed escape: measured as written
  }
  const run =
    /[A-Za-z0-9+/=_-]{200,}|(?:%[0-9A-Fa-f]{2}){67,}/.exec(rest)?.[0] ??
    /[A-Za-z0-9+/=_-]{200,}/.exec(decoded)?.[0];
  if (run) return `a run of ${run.length} encoded characters`;
  if (decoded.length > 1_024) return `${decoded.length} characters`;
  return null;
}
