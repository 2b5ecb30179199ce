/**
 * Where Maven takes the plugins, extensions and dependencies it runs from, as a pom.xml or settings.xml says: the
 * `<url>` of each `<repository>`, `<pluginRepository>` and `<mirror>`. One on a host the network policy does not
 * allow, over plain HTTP, or a `file:` one (jars in a directory, which the gate cannot read) brings code from
 * elsewhere into the build.
 */
import type { HostPolicy } from './network.js';
import { distributionFinding } from './wrapper-distribution.js';
import { parseXml, type XmlElement, xmlChild, xmlFind } from './xml-text.js';

const SOURCES = new Set(['repository', 'pluginRepository', 'mirror']);

/** `${project.basedir}`-style properties filled in by `fill` before a URL is judged. */
export type Fill = (text: string) => string;

/** Each source of the document and why it brings code from elsewhere (undefined: it does not). */
export function xmlSources(doc: XmlElement, hosts: HostPolicy, fill: Fill = (t) => t): [string, string][] {
  const out: [string, string][] = [];
  for (const el of xmlFind(doc, SOURCES)) {
    const url = fill(xmlChild(el, 'url') ?? '');
    const why = url === '' ? undefined : distributionFinding(url, hosts);
    if (why) out.push([el.name, why]);
  }
  return out;
}

/** The element of XML text (a pom.xml, a settings.xml, or a piece of one) that names a source elsewhere. */
export function xmlSourceFinding(text: string, hosts: HostPolicy): string | undefined {
  if (!text.includes('<')) return undefined;
  return xmlSources(parseXml(text), hosts)[0]?.[0];
}
