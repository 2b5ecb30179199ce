/**
 * XML as Maven reads its files (pom.xml, settings.xml, .mvn/extensions.xml): elements with their attributes, text
 * (CDATA and the five entities and character references read) and children; comments, processing instructions
 * and a doctype skipped; a namespace prefix dropped from names. Tolerant as a reader for judging must be: an
 * element left open closes at its parent's end or the text's, a stray end tag is ignored.
 */

/** Whether XML text declares entities of its own or refers to one XML does not define (`<!ENTITY x "sh">`, `&x;`). */
export function ownEntities(text: string): boolean {
  if (/<!ENTITY\b/i.test(text)) return true;
  for (const m of text.matchAll(/&(\w+);/g)) if (!Object.hasOwn(ENTITIES, m[1] ?? '')) return true;
  return false;
}

/** One element: its name, attributes, text (its own, children's not included) and child elements. */
export interface XmlElement {
  name: string;
  attrs: Map<string, string>;
  text: string;
  children: XmlElement[];
}

/** How deep elements nest before the rest is read flat, and how many are read. */
const MAX_DEPTH = 64;
const MAX_ELEMENTS = 20_000;

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** Text with its entity and character references read (an unknown entity is left as written). */
export function xmlUnescape(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]{1,6}|#\d{1,7}|\w+);/g, (m, e: string) => {
    if (e.startsWith('#')) {
      const code = e[1] === 'x' ? Number.parseInt(e.slice(2), 16) : Number.parseInt(e.slice(1), 10);
      return code <= 0x10ffff ? String.fromCodePoint(code) : m;
    }
    return Object.hasOwn(ENTITIES, e) ? (ENTITIES[e] as string) : m;
  });
}

const localName = (name: string) => name.slice(name.indexOf(':') + 1);

/** The document's root element (a synthetic `#document` holding every top-level element). */
export function parseXml(text: string): XmlElement {
  const root: XmlElement = { name: '#document', attrs: new Map(), text: '', children: [] };
  const stack: XmlElement[] = [root];
  const token =
    /<!--[\s\S]*?(?:-->|$)|<!\[CDATA\[([\s\S]*?)(?:\]\]>|$)|<\?[\s\S]*?(?:\?>|$)|<!DOCTYPE[^>[]*(?:\[[\s\S]*?\])?\s*>|<\/\s*([^\s>]+)\s*>|<([^\s/>!?]+)((?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>|([^<]+)|</g;
  let count = 0;
  for (const m of text.matchAll(token)) {
    const top = stack.at(-1) as XmlElement;
    const [whole, cdata, end, open, attrs, selfClosing, chars] = m;
    if (cdata !== undefined) top.text += cdata;
    else if (chars !== undefined) top.text += xmlUnescape(chars);
    else if (end !== undefined) {
      const name = localName(end);
      const at = stack.findLastIndex((e, i) => i > 0 && e.name === name);
      if (at > 0) stack.length = at;
    } else if (open !== undefined) {
      if (++count > MAX_ELEMENTS) break;
      const el: XmlElement = { name: localName(open), attrs: new Map(), text: '', children: [] };
      for (const a of (attrs ?? '').matchAll(/([^\s=/>]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g))
        el.attrs.set(localName(a[1] ?? ''), xmlUnescape(a[2] ?? a[3] ?? ''));
      top.children.push(el);
      if (selfClosing !== '/' && stack.length < MAX_DEPTH) stack.push(el);
    } else if (whole === '<') top.text += '<';
  }
  return root;
}

/** Every element under `el` (depth first, `el` excluded) whose name is one of `names`. */
export function xmlFind(el: XmlElement, names: ReadonlySet<string>, out: XmlElement[] = []): XmlElement[] {
  for (const c of el.children) {
    if (names.has(c.name)) out.push(c);
    xmlFind(c, names, out);
  }
  return out;
}

/** The trimmed text of the first child named `name`, if any. */
export function xmlChild(el: XmlElement, name: string): string | undefined {
  return el.children.find((c) => c.name === name)?.text.trim();
}
