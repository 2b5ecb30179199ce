/** Long runs of encoded characters (base64, hex, URL-safe), measured between slashes. */
const LONG_RUN = /[A-Za-z0-9+=_-]{64,}/g;
/** Percent escapes in a row: the encoding of bytes, or of text in a script without spaces (CJK). */
const ESCAPES = /(?:%[0-9A-Fa-f]{2}){67,}/g;
/**
 * Escapes no encoder writes for text: letters and digits, which URLs carry as they are (so escaping them is hiding
 * them), and control characters.
 */
const NEEDLESS_ESCAPE = /%(?:[46][1-9A-Fa-f]|[57][0-9Aa]|3[0-9]|[01][0-9A-Fa-f]|7[Ff])/;
/** The encoded characters carried that make a block of data, and the most text an address carries. */
const CARRIED = 200;
const MAX_TEXT = 1_024;

function runsLength(s: string): number {
  let n = 0;
  for (const m of s.matchAll(LONG_RUN)) n += m[0].length;
  return n;
}

/**
 * What a URL's path, query and user part, or a search's text, carry beyond reading: 200 or more characters of
 * encoded data in runs of 64 or more (base64, hex; measured between slashes, so a deep source path of a Java
 * repository is words, not data; summed, so data split into several parameters still counts), percent escapes of
 * bytes rather than text, or more than 1,024 characters in all once decoded. A page of docs or an API's address is
 * short; the contents of a file, encoded into the address, are what its host logs.
 */
export function dataCarried(rest: string): string | null {
  const decoded = urlDecoded(rest);
  const encoded = encodedIn(rest, decoded);
  if (encoded) return encoded;
  if (decoded.length > MAX_TEXT) return `${decoded.length} characters`;
  return null;
}

/** The text with its URL escapes (and `+` for space) undone; as written when an escape is malformed. */
function urlDecoded(rest: string): string {
  try {
    return decodeURIComponent(rest.replace(/\+/g, ' '));
  } catch {
    return rest;
  }
}

/**
 * Encoded data alone (runs of base64 or hex, escapes of bytes rather than text), whatever the length of the
 * text around it: what a tool's free-text arguments (an issue's body, a page) may hold without asking.
 */
export function encodedData(rest: string): string | null {
  return encodedIn(rest, urlDecoded(rest));
}

function encodedIn(rest: string, decoded: string): string | null {
  const encoded = Math.max(runsLength(rest), runsLength(decoded));
  if (encoded >= CARRIED) return `${encoded} characters of encoded data`;
  // Text in a script without spaces (CJK) is long runs of escapes too: only bytes that are not UTF-8 text, or
  // escapes an encoder would not write, are data.
  for (const m of rest.matchAll(ESCAPES)) {
    let text = true;
    try {
      decodeURIComponent(m[0]);
    } catch {
      text = false;
    }
    if (!text || NEEDLESS_ESCAPE.test(m[0])) return `${m[0].length / 3} percent-escaped bytes`;
  }
  return null;
}

/**
 * A host name that carries data: a label of 50 or more characters (DNS allows 63), or more than 120 characters in
 * all (`<hex>.<hex>.<hex>.attacker.example`: the attacker's name server logs every lookup).
 */
export function dataInHost(host: string): string | null {
  const longest = Math.max(0, ...host.split('.').map((l) => l.length));
  if (longest >= 50 || host.length > 120) return `a host name of ${host.length} characters`;
  return null;
}

/** What a URL to `host` (lower case, as parsed) carries: in its user part, path, query and fragment, or its host. */
export function dataInUrl(url: string, host: string): string | null {
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(url)?.[0].length ?? 0;
  const at = host ? url.toLowerCase().indexOf(host, scheme) : -1;
  const rest = at >= 0 ? url.slice(scheme, at) + url.slice(at + host.length) : url.slice(scheme);
  return dataCarried(rest) ?? (host ? dataInHost(host) : null);
}

/**
 * Data cut into pieces too short for one run each (hex or base64 words of 32 or more characters, with digits and
 * letters, separated by dots, spaces, lines or array items): 480 or more characters of them in all. Git object
 * ids (40 hex) count too, a dozen of them; only what is sent to a host is measured so.
 */
export function chunkedData(text: string): string | null {
  let total = 0;
  for (const m of text.matchAll(/[A-Za-z0-9+/_-]{32,}={0,2}/g)) {
    const w = m[0];
    if (/\d/.test(w) && /[A-Za-z]/.test(w)) total += w.length;
  }
  return total >= 480 ? `${total} characters of encoded data in pieces` : null;
}
