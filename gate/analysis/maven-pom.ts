/**
 * What a pom.xml makes Maven run, read by the shape of its plugins' configuration rather than by their names
 * (exec-maven-plugin, antrun, gmavenplus, the scripting plugin and any other that runs a program or a script):
 * - a program and its arguments: an `<executable>` with `<arguments>`'s `<argument>`s or `<commandlineArgs>`,
 *   an element whose `executable` attribute is the program and whose `<arg value|line|file|path>` are its
 *   arguments (Ant's `<exec>`, `<apply>`);
 * - code: an element's text over several lines, or a `<script>`/`<source>`, read as Groovy (Groovy and
 *   JavaScript quote strings alike) for the command lines its strings make (build-code.ts);
 * - a script file named by a one-line text (`<script>${project.basedir}/gen.groovy</script>`, `<scriptFile>`);
 * - any other text or attribute with a blank in it, as a command line (a description names no program the
 *   gate knows: only what it can tell is risky counts).
 * Every `<plugin>` is read, wherever it is (the build, its plugin management, a profile's build): which runs is
 * Maven's to choose. Properties are filled in: `${project.basedir}`/`${basedir}`, `${project.build.directory}`,
 * the pom's and its profiles' `<properties>` (each value with a blank judged as a command line too: a child pom
 * may use it); any other is a value known only at run time. Also the modules, the parent pom and the
 * repositories the pom names. Entities a DOCTYPE declares are not expanded: such a pom is unread.
 */
import { posix } from 'node:path';
import { buildCodeCommands } from './build-code.js';
import type { HostPolicy } from './network.js';
import { xmlSources } from './xml-sources.js';
import { ownEntities, parseXml, type XmlElement, xmlChild, xmlFind } from './xml-text.js';

/** What one pom makes Maven run and read. */
export interface PomReading {
  /** Command lines its plugins run. */
  commands: string[];
  /** Script files its plugins run (resolved paths). */
  files: string[];
  /** The poms of its modules and its parent (resolved paths). */
  poms: string[];
  /** Its repositories that bring code from elsewhere: the element, and why. */
  sources: [string, string][];
  /** It declares entities of its own (a DOCTYPE's), which the gate does not expand: what it runs is unread. */
  unread: boolean;
}

/** The most command lines one pom gives. */
const MAX_COMMANDS = 1024;
const quote = (w: string) =>
  w.includes('$') ? `"${w.replaceAll('"', '\\"')}"` : `'${w.replaceAll("'", `'\\''`)}'`;
/** A script file's name: an extension a script engine or shell runs. */
const SCRIPT_FILE = /^(?:file:(?:\/\/)?)?(\S+\.(?:groovy|gvy|gy|gsh|js|mjs|py|rb|sh|bash|kts))$/i;
const CODE_ELEMENTS = new Set(['script', 'source', 'scripts']);

/** The pom's properties filled into text; an unknown one is a variable the shell knows only at run time. */
function filler(doc: XmlElement, dir: string): (text: string) => string {
  // The project's properties, and its profiles' (any may be active).
  const props = new Map<string, string>();
  for (const el of xmlFind(doc, new Set(['properties'])))
    for (const p of el.children) if (!props.has(p.name)) props.set(p.name, p.text.trim());
  const known = (name: string, depth: number): string => {
    if (name === 'project.basedir' || name === 'basedir') return dir;
    if (name === 'project.build.directory') return `${dir}/target`;
    const v = props.get(name);
    return v !== undefined && depth < 4
      ? v.replace(/\$\{([^}]+)\}/g, (_, n: string) => known(n, depth + 1))
      : '$MAVEN_PROPERTY';
  };
  return (text) => text.replace(/\$\{([^}]+)\}/g, (_, n: string) => known(n, 0));
}

/** The command lines and script files of one plugin configuration's element tree. */
function readConfiguration(el: XmlElement, fill: (t: string) => string, dir: string, out: PomReading): void {
  const words = (list: string[]) => list.map((w) => quote(fill(w))).join(' ');
  const program = el.attrs.get('executable') ?? xmlChild(el, 'executable');
  if (program !== undefined) {
    const args: string[] = [];
    let raw = '';
    for (const c of el.children) {
      if (c.name === 'arguments') for (const a of c.children) args.push(a.text.trim());
      if (c.name === 'commandlineArgs') raw += ` ${fill(c.text.trim())}`;
      if (c.name === 'arg') {
        const v = c.attrs.get('value') ?? c.attrs.get('file') ?? c.attrs.get('path');
        if (v !== undefined) args.push(v);
        const line = c.attrs.get('line');
        if (line !== undefined) raw += ` ${fill(line)}`;
      }
    }
    out.commands.push(`${words([program, ...args])}${raw}`);
  }
  const text = el.text.trim();
  const file = SCRIPT_FILE.exec(fill(text))?.[1];
  if (file !== undefined && !text.includes('\n')) out.files.push(posix.resolve(dir, file));
  else if (text.includes('\n') || (CODE_ELEMENTS.has(el.name) && text !== ''))
    out.commands.push(...buildCodeCommands(fill(text), 'groovy'));
  else if (/\s/.test(text)) out.commands.push(fill(text));
  for (const [, v] of el.attrs) if (/\s/.test(v.trim())) out.commands.push(fill(v.trim()));
  for (const c of el.children) if (out.commands.length < MAX_COMMANDS) readConfiguration(c, fill, dir, out);
}

/** What the pom text at `path` makes Maven run, and the poms and repositories it names. */
export function readPom(text: string, path: string, hosts: HostPolicy): PomReading {
  const dir = posix.dirname(path);
  const doc = parseXml(text);
  const fill = filler(doc, dir);
  const out: PomReading = {
    commands: [],
    files: [],
    poms: [],
    sources: xmlSources(doc, hosts, fill),
    unread: ownEntities(text),
  };
  // A property's value is what a plugin is given wherever the pom (or a child of it) names it.
  for (const el of xmlFind(doc, new Set(['properties'])))
    for (const p of el.children) if (/\s/.test(p.text.trim())) out.commands.push(fill(p.text.trim()));
  for (const plugin of xmlFind(doc, new Set(['plugin'])))
    for (const conf of xmlFind(plugin, new Set(['configuration']))) readConfiguration(conf, fill, dir, out);
  for (const m of xmlFind(doc, new Set(['module']))) {
    const name = fill(m.text.trim());
    if (name !== '') out.poms.push(posix.resolve(dir, name, name.endsWith('.xml') ? '' : 'pom.xml'));
  }
  const parent = doc.children.find((c) => c.name === 'project')?.children.find((c) => c.name === 'parent');
  if (parent) {
    const rel = parent.children.find((c) => c.name === 'relativePath');
    const name = rel === undefined ? '../pom.xml' : fill(rel.text.trim());
    if (name !== '') out.poms.push(posix.resolve(dir, name, name.endsWith('.xml') ? '' : 'pom.xml'));
  }
  out.commands.splice(MAX_COMMANDS);
  return out;
}
