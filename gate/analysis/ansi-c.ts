const C_ESCAPES: Record<string, string> = {
  a: '\x07',
  b: '\b',
  e: '\x1b',
  E: '\x1b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\\': '\\',
  "'": "'",
  '"': '"',
  '?': '?',
};

/** The text of `$'…'` as bash decodes it (`$'.en\x76'` is `.env`); an escape it does not know stays as written. */
export function decodeAnsiC(body: string): string {
  return body
    .replace(
      /\\(?:([0-7]{1,3})|x([0-9A-Fa-f]{1,2})|u([0-9A-Fa-f]{1,4})|U([0-9A-Fa-f]{1,8})|c(.)|(.))/gs,
      (m, oct?: string, hex?: string, u?: string, U?: string, ctl?: string, ch?: string) => {
        const code = oct
          ? Number.parseInt(oct, 8) & 0xff
          : hex
            ? Number.parseInt(hex, 16)
            : (u ?? U)
              ? Number.parseInt((u ?? U) as string, 16)
              : ctl !== undefined
                ? ctl.charCodeAt(0) & 0x1f
                : undefined;
        if (code !== undefined) return code <= 0x10ffff ? String.fromCodePoint(code) : m;
        return C_ESCAPES[ch ?? ''] ?? m;
      },
    )
    .split('\u0000')[0] as string; // bash ends the string at a NUL
}
