/**
 * `gradle`, `gradlew`: what a Gradle build runs of the project, read as it is now or as this command line wrote
 * it, Groovy, Kotlin and Java read for the commands their strings make (build-code.ts):
 * - the init scripts: `-I`, and the Gradle user home's `init.gradle(.kts)` and `init.d/*.gradle(.kts)` (the home
 *   `-g`, `--gradle-user-home` or GRADLE_USER_HOME names, else ~/.gradle; one outside the places the gate reads
 *   is there unread, and asks);
 * - the settings script found from the project directory up, and the build scripts of the projects it includes
 *   (where `projectDir` puts them; an include the gate cannot read as a name walks the build's directories), of
 *   the builds it includes and of buildSrc, with the code those builds compile (their `src`: plugins, tasks);
 * - the scripts each of these `apply from:`;
 * - the JVM options of gradle.properties (the build's and the user home's `org.gradle.jvmargs`, and a
 *   `-Dorg.gradle.jvmargs` typed): an agent jar asks, a command on a crash is judged (jvm-options.ts); and the
 *   Java its daemon runs (`org.gradle.java.home`: a `bin/java` in the project is read as a script run);
 * - for `gradlew`, the distribution gradle/wrapper/gradle-wrapper.properties downloads (wrapper-distribution.ts).
 */
import { posix } from 'node:path';
import { type Call, type Handler, optionValue } from '../call.js';
import { report } from '../context.js';
import { readProperties } from '../java-properties.js';
import { optionWords, readJvmOptions } from '../jvm-options.js';
import { classifyPath } from '../paths.js';
import { UNKNOWN } from '../script.js';
import type { ScriptKind } from '../script-kinds.js';
import {
  join,
  judgeCode,
  judgeHanded,
  judgeWrapper,
  startDir,
  textAt,
  unlisted,
  upFrom,
  walkFiles,
} from './project-files.js';

/** How many scripts one command follows. */
const MAX_FILES = 64;
/** Code a build compiles and runs: Java, Kotlin, Groovy, and the scripts Gradle precompiles. */
const BUILD_CODE = /\.(?:java|kt|kts|groovy|gradle)$/;
/** `apply from: 'x.gradle'`, `apply(from = file("x"))`, `rootProject.file('x')` (1: relative to the root). */
const APPLY_FROM = /\bfrom\s*[:=]\s*(?:(rootProject\.)?(?:file|uri)\(\s*)?["']([^"'\n]+)["']/g;
/** Build scripts of a project directory. */
const BUILD_SCRIPT = /^build\.gradle(?:\.kts)?$/;

const kindOf = (path: string): ScriptKind =>
  /\.kts?$/.test(path) ? 'kotlin' : path.endsWith('.java') ? 'java' : 'groovy';
const both = (dir: string, base: string) => [join(dir, `${base}.gradle`), join(dir, `${base}.gradle.kts`)];

/**
 * `include 'a', ':b:c'`, `include(":app")`: the projects' directories (`project(':x').projectDir = file('y')`
 * puts one elsewhere); `includeBuild("x")`: the builds'. `dynamic`: an include or a project's directory the
 * gate cannot read as a name (`include(":${dir.name}")`, `include(names)`).
 */
function included(settings: string): { projects: string[]; builds: string[]; dynamic: boolean } {
  const strings = (list: string) => [...list.matchAll(/["']([^"'\n]+)["']/g)].map((m) => m[1] ?? '');
  const projects: string[] = [];
  const builds: string[] = [];
  const places = new Map<string, string>();
  for (const m of settings.matchAll(
    /project\(\s*["']:?([^"'\n]+)["']\s*\)\s*\.\s*projectDir\s*=\s*(?:new\s+)?(?:file|File)\s*\(\s*(?:(?:rootDir|settingsDir|rootProject\.projectDir)\s*,\s*)?["']([^"'\n$]+)["']/g,
  ))
    places.set(m[1] ?? '', m[2] ?? '');
  for (const m of settings.matchAll(/\binclude(Build|Flat)?\s*\(?\s*((?:["'][^"'\n]+["']\s*,?\s*)+)/g))
    for (const s of strings(m[2] ?? ''))
      if (m[1] === 'Build') builds.push(s);
      else if (m[1] === 'Flat') projects.push(`../${s}`);
      else projects.push(places.get(s.replace(/^:/, '')) ?? s.replace(/^:/, '').replaceAll(':', '/'));
  const dynamic =
    /\binclude(?:Flat)?\s*(?:\(\s*)?(?!["'\s])\S|\binclude(?:Flat)?\s*\(?\s*["'][^"'\n]*\$/.test(settings) ||
    /\.projectDir\s*=(?!\s*(?:new\s+)?(?:file|File)\s*\(\s*(?:(?:rootDir|settingsDir|rootProject\.projectDir)\s*,\s*)?["'][^"'\n$]+["'])/.test(
      settings,
    );
  return { projects, builds, dynamic };
}

/** The Gradle user home: `-g`, `--gradle-user-home`, GRADLE_USER_HOME set on the command, else ~/.gradle. */
function userHome(c: Call): string | undefined {
  const named =
    optionValue(c.args, ['-g', '--gradle-user-home']) ??
    c.cmd.assigns.find((a) => a.name === 'GRADLE_USER_HOME')?.value;
  if (named === undefined) return '~/.gradle';
  if (named.includes(UNKNOWN)) return undefined;
  return classifyPath(named, { workspace: c.ctx.workspace, cwd: c.cwd }).path;
}

/** Judges the JVM options of a properties file's `org.gradle.jvmargs` (or a typed one): `label` names where. */
function judgeJvmArgs(c: Call, label: string, value: string | undefined): void {
  if (value === undefined) return;
  const o = readJvmOptions(optionWords(value));
  judgeHanded(c, label, o.commands);
  for (const u of o.unread)
    report(c.ctx, 'exec.script-run-ask', `${label} gives the Gradle JVM ${u}: code the gate cannot read`);
}

/** A gradle.properties: its JVM options, and the Java its daemon runs (`org.gradle.java.home`: its bin/java). */
function judgeProperties(c: Call, path: string): void {
  const text = textAt(c, path);
  if (text === undefined) return;
  const props = readProperties(text);
  judgeJvmArgs(c, path, props.get('org.gradle.jvmargs'));
  const java = props.get('org.gradle.java.home');
  if (java && !java.includes('$'))
    judgeHanded(c, path, [
      `'${posix.resolve(posix.dirname(path), java, 'bin/java').replaceAll("'", "'\\''")}' -version`,
    ]);
}

const runsGradle: Handler = (c: Call) => {
  for (const a of c.args) {
    const jvm = /^-Dorg\.gradle\.jvmargs=(.*)$/s.exec(a);
    if (jvm) judgeJvmArgs(c, 'the command line', jvm[1]);
  }
  if (!c.ctx.readScript && !c.ctx.written) return;
  const start = startDir(c, ['-p', '--project-dir']);
  if (start === undefined) return;
  const where = { workspace: c.ctx.workspace, cwd: c.cwd };
  const seen = new Set<string>();
  let rootDir = start;
  const judge = (path: string, depth = 0) => {
    if (seen.has(path) || seen.size >= MAX_FILES) return undefined;
    seen.add(path);
    const text = judgeCode(c, path, kindOf(path));
    // `apply from: 'gradle/ci.gradle'`, `apply(from = "$rootDir/ci.gradle.kts")`: that script runs too; one
    // from the network or at a place known only at run time is code the gate cannot read.
    if (text !== undefined && depth < 3)
      for (const m of text.matchAll(APPLY_FROM)) {
        const here = posix.dirname(path);
        const name = (m[2] ?? '')
          .replace(/\$\{?(?:rootDir|settingsDir|rootProject\.projectDir|project\.rootDir)\}?/g, rootDir)
          .replace(/\$\{?projectDir\}?/g, here)
          .replace(/^file:(?:\/\/)?/, '');
        if (name.includes('$') || /^[a-z][\w+.-]*:/i.test(name))
          report(
            c.ctx,
            'exec.script-run-ask',
            `${path} applies ${name.slice(0, 80)}: a script the gate cannot read`,
          );
        else judge(posix.resolve(m[1] ? rootDir : here, name), depth + 1);
      }
    return text;
  };
  /** The code a build compiles under `dir` (buildSrc's, an included build's). */
  const judgeSources = (dir: string) => {
    const files = walkFiles(c, join(dir, 'src'), BUILD_CODE, 8);
    if (files === undefined && c.ctx.listDir) unlisted(c, `${dir}/src`);
    for (const f of files ?? []) judge(f);
  };
  for (const [i, a] of c.args.entries()) {
    const v = a === '-I' || a === '--init-script' ? c.args[i + 1] : /^-I./.test(a) ? a.slice(2) : undefined;
    if (v !== undefined && !v.includes(UNKNOWN)) judge(classifyPath(v, where).path);
  }
  const home = userHome(c);
  if (home !== undefined) {
    for (const p of both(home, 'init')) judge(p);
    for (const f of walkFiles(c, join(home, 'init.d'), /\.gradle(?:\.kts)?$/, 0) ?? []) judge(f);
    judgeProperties(c, join(home, 'gradle.properties'));
  }
  const settingsNamed = optionValue(c.args, ['-c', '--settings-file']);
  const buildNamed = optionValue(c.args, ['-b', '--build-file']);
  const project = (dir: string, settingsPath?: string) => {
    let root = dir;
    let settings: string | undefined;
    for (const d of settingsPath ? [] : upFrom(dir)) {
      const found = both(d, 'settings').find((p) => textAt(c, p) !== undefined);
      if (found) {
        rootDir = d;
        settings = judge(found);
        root = d;
        break;
      }
    }
    if (settingsPath) settings = judge(settingsPath);
    for (const p of [...both(join(root, 'buildSrc'), 'build'), ...both(join(root, 'buildSrc'), 'settings')])
      judge(p);
    judgeSources(join(root, 'buildSrc'));
    const inc = included(settings ?? '');
    for (const sub of inc.projects) for (const p of both(posix.resolve(root, sub), 'build')) judge(p);
    if (inc.dynamic) {
      // Which projects are included is known only when the settings run: every build script under the root.
      const scripts = walkFiles(c, root, BUILD_SCRIPT, 3);
      if (scripts === undefined) unlisted(c, `the projects ${root}'s settings include`);
      for (const p of scripts ?? []) judge(p);
    }
    return { root, builds: inc.builds };
  };
  const main = project(
    start,
    settingsNamed && !settingsNamed.includes(UNKNOWN) ? classifyPath(settingsNamed, where).path : undefined,
  );
  judgeProperties(c, join(main.root, 'gradle.properties'));
  if (buildNamed && !buildNamed.includes(UNKNOWN)) judge(classifyPath(buildNamed, where).path);
  for (const p of both(start, 'build')) judge(p);
  for (const b of main.builds.slice(0, 8)) {
    const dir = posix.resolve(main.root, b);
    for (const p of [...both(dir, 'settings'), ...both(dir, 'build')]) judge(p);
    judgeSources(dir);
  }
  if (c.name === 'gradlew') judgeWrapper(c, join(main.root, 'gradle/wrapper/gradle-wrapper.properties'));
};

/** Handlers of Gradle, by name. */
export const GRADLE_PROGRAMS: Record<string, Handler> = { gradle: runsGradle, gradlew: runsGradle };
