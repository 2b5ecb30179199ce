/**
 * YAML mapping keys as a YAML reader sees them, however the text spells them: the escapes of a double-quoted
 * key, a tag or anchor in front of a key, an explicit key. Shared by the readers that look for keys by line
 * (Taskfile commands, package managers' config keys).
 */

/** YAML's escapes in a double-quoted scalar (`\x6D`, `\u006d`, `\U0000006d`, `\t`, …) read. */
export function yamlUnescape(s: string): string {
  const named: Record<string, string> = {
    0: '\0',
    a: '\x07',
    b: '\b',
    t: '\t',
    n: '\n',
    v: '\v',
    f: '\f',
    r: '\r',
  };
  Object.assign(named, { e: '\x1b', N: '\x85', _: '\xa0', L: '\u2028', P: '\u2029' });
  return s.replace(
    /\\(?:x([\da-fA-F]{2})|u([\da-fA-F]{4})|U([\da-fA-F]{8})|([\s\S]))/g,
    (_, x, u, U, c: string) => {
      const hex = x ?? u ?? U;
      if (hex !== undefined) return String.fromCodePoint(Math.min(Number.parseInt(hex, 16), 0x10ffff));
      return named[c] ?? c;
    },
  );
}

/**
 * The text with its mapping keys written plainly, as a YAML reader reads them (go-task's, pnpm's): a
 * double-quoted key's escapes read (`"c\x6Dds":`), a tag or an anchor before a key dropped (`!!str cmds:`,
 * `&k cmds:`; a node has at most one of each), and an explicit key (`? cmds` then `: - x`) put as `cmds:` with
 * its value under it.
 */
export function plainKeys(text: string): string {
  return (
    text
      // A key's quote opens a line, a list item or a flow entry: not every `"` of `\"\"\"…` is read 256 on.
      .replace(/(?<=^|[\s{,[])"((?:[^"\\\n]|\\.){0,256})"(?=[ \t]*:(?:\s|$))/g, (_, k: string) =>
        JSON.stringify(yamlUnescape(k)),
      )
      // A tag ends at a flow indicator (YAML's ns-tag-char has none), so a line of `{!{!{!` is read once, not
      // once from each `{` to the line's end (a square of the line's length: minutes for 256 KiB).
      .replace(
        /(^|[\s{,[])(?:(?:!(?:<[^\s>]*>|[^\s,[\]{}]*)|&[\w.-]+)[ \t]+){1,2}(?=["']?[\w.-]+["']?[ \t]*:(?:\s|$))/gm,
        '$1',
      )
      .replace(
        /^([ \t]*)\?[ \t]+([^\n]*)\n\1:(?:[ \t]+([^\n]*))?$/gm,
        (_, ind: string, k: string, v?: string) =>
          v === undefined
            ? `${ind}${k}:`
            : /^-(?:\s|$)/.test(v)
              ? `${ind}${k}:\n${ind}  ${v}`
              : `${ind}${k}: ${v}`,
      )
  );
}
