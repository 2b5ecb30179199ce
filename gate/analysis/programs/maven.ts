/**
 * `mvn`, `mvnw`: what a Maven build runs of the project, read as it is now or as this command line wrote it:
 * - the project's base directory is the first one up from the project with a `.mvn` (as the launcher finds it):
 *   its `.mvn/jvm.config` (and MAVEN_OPTS set on the command) are the JVM's options: an agent jar or Maven
 *   extension jar asks, a command on a crash is judged (jvm-options.ts); its `.mvn/maven.config` is more of the
 *   command line's options, read with them;
 * - options that load code from where the gate cannot read it: `-Dmaven.ext.class.path`, a local repository
 *   in the project or a temporary directory (`-Dmaven.repo.local`, a settings file's `<localRepository>`: the
 *   plugins and `.mvn/extensions.xml`'s extensions are jars from it), a settings file whose repositories or
 *   mirrors are elsewhere (xml-sources.ts);
 * - `-Dexec.executable` with `-Dexec.args`: the program exec:exec runs;
 * - the pom (the working directory's, or `-f`'s), its modules' and its parent's: the programs and scripts their
 *   plugins run (maven-pom.ts), and repositories elsewhere;
 * - for `mvnw`, the distribution .mvn/wrapper/maven-wrapper.properties downloads (wrapper-distribution.ts).
 */
import { posix } from 'node:path';
import type { Call, Handler } from '../call.js';
import { report } from '../context.js';
import { optionWords, readJvmOptions } from '../jvm-options.js';
import { readPom } from '../maven-pom.js';
import { classifyPath } from '../paths.js';
import { UNKNOWN } from '../script.js';
import { scriptKind } from '../script-kinds.js';
import { xmlSources } from '../xml-sources.js';
import { parseXml, xmlChild, xmlFind } from '../xml-text.js';
import { codeAt, join, judgeCode, judgeHanded, judgeWrapper, textAt, upFrom } from './project-files.js';

/** How many poms one command follows. */
const MAX_POMS = 32;
/** Files under `.mvn` whose presence marks the base directory (the launcher looks for the directory itself). */
const MARKS = ['jvm.config', 'maven.config', 'extensions.xml', 'wrapper/maven-wrapper.properties'];

/** `-Dname=value`, `-D name=value`: the pairs of the words. */
function properties(words: readonly string[]): [string, string][] {
  const out: [string, string][] = [];
  words.forEach((w, i) => {
    const pair = w === '-D' ? words[i + 1] : w.startsWith('-D') ? w.slice(2) : undefined;
    const eq = pair?.indexOf('=') ?? -1;
    if (pair !== undefined && eq > 0) out.push([pair.slice(0, eq), pair.slice(eq + 1)]);
  });
  return out;
}

/** The value of an option of the words (`-s x`, `--settings=x`). */
function optionAfter(words: readonly string[], names: readonly string[]): string | undefined {
  let found: string | undefined;
  words.forEach((w, i) => {
    if (names.includes(w)) found = words[i + 1];
    for (const n of names) if (n.startsWith('--') && w.startsWith(`${n}=`)) found = w.slice(n.length + 1);
  });
  return found;
}

/** Reports a local repository the agent can fill (the project, a temporary directory): its jars run unread. */
function localRepository(c: Call, path: string, from: string): void {
  const zone = classifyPath(path, { workspace: c.ctx.workspace, cwd: c.cwd }).zone;
  if (zone === 'workspace' || zone === 'temp')
    report(c.ctx, 'supply.package-source', `${from}: plugins and extensions load from jars in ${path}`);
}

/** The settings file's repositories, mirrors and local repository. */
function judgeSettings(c: Call, path: string): void {
  const text = codeAt(c, path, 'read');
  if (text === undefined) return;
  const doc = parseXml(text);
  for (const [el, why] of xmlSources(doc, c.ctx.hosts))
    report(c.ctx, 'supply.package-source', `${path}: a ${el} ${why}`);
  const local = xmlFind(doc, new Set(['settings']))[0];
  const repo = local && xmlChild(local, 'localRepository');
  if (repo) localRepository(c, posix.resolve(posix.dirname(path), repo), path);
}

// The command line's own options are judged without a reader too (what a written maven.config would add).
const runsMaven: Handler = (c: Call) => {
  const where = { workspace: c.ctx.workspace, cwd: c.cwd };
  const file = optionAfter(c.args, ['-f', '--file']);
  if (file?.includes(UNKNOWN) || c.cwd?.includes(UNKNOWN)) return;
  const named = file === undefined ? undefined : classifyPath(file, where).path;
  const firstPom = named === undefined ? undefined : named.endsWith('.xml') ? named : join(named, 'pom.xml');
  const start = firstPom ? posix.dirname(firstPom) : classifyPath('.', where).path;
  const base =
    upFrom(start).find((d) => MARKS.some((m) => textAt(c, join(d, `.mvn/${m}`)) !== undefined)) ?? start;
  // The JVM's options: .mvn/jvm.config, then MAVEN_OPTS.
  const jvm = codeAt(c, join(base, '.mvn/jvm.config'), 'given to the JVM');
  const opts = c.cmd.assigns.find((a) => a.name === 'MAVEN_OPTS')?.value;
  for (const [label, text] of [
    [join(base, '.mvn/jvm.config'), jvm],
    ['MAVEN_OPTS', opts],
  ] as const) {
    if (text === undefined) continue;
    const o = readJvmOptions(optionWords(text));
    judgeHanded(c, label, o.commands);
    for (const u of o.unread)
      report(c.ctx, 'exec.script-run-ask', `${label} gives Maven's JVM ${u}: code the gate cannot read`);
  }
  const config = codeAt(c, join(base, '.mvn/maven.config'), 'read');
  const words = [...optionWords(config ?? ''), ...c.args];
  for (const [k, v] of properties(words)) {
    if (k === 'maven.ext.class.path')
      report(
        c.ctx,
        'exec.script-run-ask',
        `${c.name} loads the extension jars ${v}: code the gate cannot read`,
      );
    if (k === 'maven.repo.local' && !v.includes(UNKNOWN))
      localRepository(c, posix.resolve(base, v), `-Dmaven.repo.local=${v}`);
  }
  const props = new Map(properties(words));
  // A property set in maven.config reaches every plugin that names it: one with a blank is a command line too.
  for (const [k, v] of properties(optionWords(config ?? ''))) if (/\s/.test(v)) judgeHanded(c, `-D${k}`, [v]);
  const exe = props.get('exec.executable');
  if (exe !== undefined) judgeHanded(c, 'exec:exec', [`${exe} ${props.get('exec.args') ?? ''}`]);
  for (const s of [
    optionAfter(words, ['-s', '--settings']),
    optionAfter(words, ['-gs', '--global-settings']),
  ])
    if (s !== undefined && !s.includes(UNKNOWN)) judgeSettings(c, posix.resolve(base, s));
  // A pom maven.config names (`-f`) is the build's when the command line names none.
  const configured =
    file === undefined ? optionAfter(optionWords(config ?? ''), ['-f', '--file']) : undefined;
  const fromConfig =
    configured === undefined || configured.includes(UNKNOWN) ? undefined : posix.resolve(base, configured);
  const queue = [
    firstPom ??
      (fromConfig?.endsWith('.xml') ? fromConfig : fromConfig && join(fromConfig, 'pom.xml')) ??
      join(start, 'pom.xml'),
  ];
  const seen = new Set<string>();
  while (queue.length > 0 && seen.size < MAX_POMS) {
    const pom = queue.shift() as string;
    if (seen.has(pom)) continue;
    seen.add(pom);
    const text = codeAt(c, pom, 'built');
    if (text === undefined) continue;
    const r = readPom(text, pom, c.ctx.hosts);
    judgeHanded(c, pom, r.commands);
    if (r.unread)
      report(c.ctx, 'exec.script-run-ask', `${pom} built by ${c.name}: entities the gate does not expand`);
    for (const f of r.files) {
      const kind = scriptKind(f, '');
      if (kind) judgeCode(c, f, kind);
    }
    for (const [el, why] of r.sources) report(c.ctx, 'supply.package-source', `${pom}: a ${el} ${why}`);
    queue.push(...r.poms);
  }
  if (c.name === 'mvnw') judgeWrapper(c, join(base, '.mvn/wrapper/maven-wrapper.properties'));
};

/** Handlers of Maven, by name. */
export const MAVEN_PROGRAMS: Record<string, Handler> = { mvn: runsMaven, mvnw: runsMaven };
