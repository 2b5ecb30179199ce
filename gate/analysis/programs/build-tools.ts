/**
 * Build tools that run code the project holds, read as it is now (the caller's reader) or as this command line
 * wrote it, and judged as its commands typed whatever wrote it:
 * - `cargo`: the build script (build.rs, or `[package] build`) of the package, of the workspace's members and
 *   of the path dependencies it names, run by every build; what `.cargo/config.toml` (and `.cargo/config`) in
 *   the working directory and each one above, and a `--config` value, make cargo run (cargo-config.ts).
 * - `gradle`, `gradlew`: the settings script found from the project directory up, the build script, those of
 *   the projects the settings include and of buildSrc, the scripts they `apply from:`, and the init scripts
 *   (`-I`, `~/.gradle/init.gradle`): Groovy or Kotlin, read for the commands their strings make (build-code.ts).
 * - `pnpm`: the hooks file `.pnpmfile.cjs` (or `.mjs`) it loads when it resolves packages, as JavaScript.
 * Code the gate reads counts as code does (only what would be risky in any mode asks); a configuration that
 * does not read as TOML asks.
 */
import { posix } from 'node:path';
import { type Call, type Handler, optionValue } from '../call.js';
import { buildScriptOf, type CargoConfig, cargoConfigValue, readCargoConfig } from '../cargo-config.js';
import { report } from '../context.js';
import { classifyPath } from '../paths.js';
import { UNKNOWN } from '../script.js';
import { commandsOf, leastRisk, type ScriptKind } from '../script-kinds.js';
import { MAX_JUDGED, reportRun } from '../script-written.js';
import { isTomlTable, parseToml, type TomlValue } from '../toml-text.js';
import { startDir, textAt, upFrom } from './python-runners.js';

/** How many manifests or scripts one command follows. */
const MAX_FILES = 32;

const join = (dir: string, name: string) => (dir === '/' ? `/${name}` : `${dir}/${name}`);

/** Judges the commands a file hands over; more than the gate judges asks, as the rest is unread. */
function judgeHanded(c: Call, path: string, commands: string[], least = 0): void {
  reportRun(c, path, path, commands, least);
  if (commands.length > MAX_JUDGED)
    report(c.ctx, 'exec.script-run-ask', `${path} run by ${c.name}: more commands than the gate reads`);
}

/** Judges the code file at `path` when it reads, as `kind`; its text. */
function judgeCode(c: Call, path: string, kind: ScriptKind): string | undefined {
  const text = textAt(c, path);
  if (text === undefined || text.trim() === '') return text;
  judgeHanded(c, path, commandsOf(kind, text, true), leastRisk(kind));
  return text;
}

function judgeConfig(c: Call, label: string, reading: CargoConfig): void {
  judgeHanded(c, label, reading.commands);
  if (reading.unreadable)
    report(c.ctx, 'exec.script-run-ask', `${label} run by cargo: does not read as TOML`);
}

/** The directories of a manifest's workspace members (no glob) and path dependencies. */
function packagesNamed(doc: Map<string, TomlValue>): string[] {
  const out: string[] = [];
  const ws = doc.get('workspace');
  const members = isTomlTable(ws) ? ws.get('members') : undefined;
  if (Array.isArray(members))
    for (const m of members) if (typeof m === 'string' && !/[*?[]/.test(m)) out.push(m);
  const tables: TomlValue[] = [];
  for (const k of ['dependencies', 'dev-dependencies', 'build-dependencies']) tables.push(doc.get(k) ?? null);
  const target = doc.get('target');
  if (isTomlTable(target))
    for (const t of target.values())
      if (isTomlTable(t))
        for (const k of ['dependencies', 'build-dependencies']) tables.push(t.get(k) ?? null);
  for (const t of tables)
    if (isTomlTable(t))
      for (const d of t.values()) {
        const path = isTomlTable(d) ? d.get('path') : undefined;
        if (typeof path === 'string') out.push(path);
      }
  return out;
}

const runsCargo: Handler = (c: Call) => {
  if (!c.ctx.readScript && !c.ctx.written) return;
  const start = startDir(c, ['-C']);
  if (start === undefined) return;
  for (const dir of upFrom(start))
    for (const n of ['.cargo/config.toml', '.cargo/config']) {
      const text = textAt(c, join(dir, n));
      if (text !== undefined) judgeConfig(c, join(dir, n), readCargoConfig(text));
    }
  c.args.forEach((a, i) => {
    const value = a === '--config' ? c.args[i + 1] : a.startsWith('--config=') ? a.slice(9) : undefined;
    if (value === undefined || value.includes(UNKNOWN)) return;
    const inline = cargoConfigValue(value);
    if (inline) {
      judgeConfig(c, `--config ${value}`.slice(0, 80), inline);
      return;
    }
    const path = classifyPath(value, { workspace: c.ctx.workspace, cwd: c.cwd }).path;
    const text = textAt(c, path);
    if (text !== undefined) judgeConfig(c, path, readCargoConfig(text));
  });
  const named = optionValue(c.args, ['--manifest-path']);
  if (named?.includes(UNKNOWN)) return;
  const first = named
    ? classifyPath(named, { workspace: c.ctx.workspace, cwd: c.cwd }).path
    : upFrom(start)
        .map((d) => join(d, 'Cargo.toml'))
        .find((p) => textAt(c, p) !== undefined);
  const queue = first ? [first] : [];
  const seen = new Set<string>();
  while (queue.length > 0 && seen.size < MAX_FILES) {
    const manifest = queue.shift() as string;
    if (seen.has(manifest)) continue;
    seen.add(manifest);
    const text = textAt(c, manifest);
    const doc = text === undefined ? undefined : parseToml(text);
    if (!doc) continue;
    const dir = posix.dirname(manifest);
    const script = buildScriptOf(doc);
    if (script !== undefined) judgeCode(c, posix.resolve(dir, script), 'rust');
    for (const p of packagesNamed(doc)) queue.push(posix.resolve(dir, p, 'Cargo.toml'));
  }
};

/** `include 'a', ':b:c'`, `include(":app")`: the projects' directories; `includeBuild("x")`: the builds'. */
function included(settings: string): { projects: string[]; builds: string[] } {
  const strings = (list: string) => [...list.matchAll(/["']([^"'\n]+)["']/g)].map((m) => m[1] ?? '');
  const projects: string[] = [];
  const builds: string[] = [];
  for (const m of settings.matchAll(/\binclude(Build|Flat)?\s*\(?\s*((?:["'][^"'\n]+["']\s*,?\s*)+)/g))
    for (const s of strings(m[2] ?? ''))
      if (m[1] === 'Build') builds.push(s);
      else projects.push(m[1] === 'Flat' ? `../${s}` : s.replace(/^:/, '').replaceAll(':', '/'));
  return { projects, builds };
}

const kindOf = (path: string): ScriptKind => (path.endsWith('.kts') ? 'kotlin' : 'groovy');

const runsGradle: Handler = (c: Call) => {
  if (!c.ctx.readScript && !c.ctx.written) return;
  const start = startDir(c, ['-p', '--project-dir']);
  if (start === undefined) return;
  const where = { workspace: c.ctx.workspace, cwd: c.cwd };
  const seen = new Set<string>();
  let read = 0;
  const judge = (path: string, depth = 0) => {
    if (seen.has(path) || read >= MAX_FILES) return undefined;
    seen.add(path);
    const text = judgeCode(c, path, kindOf(path));
    if (text !== undefined) read++;
    // `apply from: 'gradle/ci.gradle'`, `apply(from = "ci.gradle.kts")`: that script runs too.
    if (text !== undefined && depth < 3)
      for (const m of text.matchAll(/\bfrom\s*[:=]\s*(?:file\(\s*)?["']([^"'\n$]+)["']/g)) {
        const name = m[1] ?? '';
        if (!/^[a-z][\w+.-]*:\/\//i.test(name)) judge(posix.resolve(posix.dirname(path), name), depth + 1);
      }
    return text;
  };
  const both = (dir: string, base: string) => [join(dir, `${base}.gradle`), join(dir, `${base}.gradle.kts`)];
  for (const [i, a] of c.args.entries()) {
    const v = a === '-I' || a === '--init-script' ? c.args[i + 1] : /^-I./.test(a) ? a.slice(2) : undefined;
    if (v !== undefined && !v.includes(UNKNOWN)) judge(classifyPath(v, where).path);
  }
  for (const p of ['~/.gradle/init.gradle', '~/.gradle/init.gradle.kts']) judge(p);
  const settingsNamed = optionValue(c.args, ['-c', '--settings-file']);
  const buildNamed = optionValue(c.args, ['-b', '--build-file']);
  const project = (dir: string, settingsPath?: string) => {
    let root = dir;
    let settings: string | undefined;
    for (const d of settingsPath ? [] : upFrom(dir)) {
      const found = both(d, 'settings').find((p) => judge(p) !== undefined);
      if (found) {
        settings = textAt(c, found);
        root = d;
        break;
      }
    }
    if (settingsPath) settings = judge(settingsPath);
    for (const p of both(join(root, 'buildSrc'), 'build')) judge(p);
    for (const p of both(join(root, 'buildSrc'), 'settings')) judge(p);
    const inc = included(settings ?? '');
    for (const sub of inc.projects) for (const p of both(posix.resolve(root, sub), 'build')) judge(p);
    return { root, builds: inc.builds };
  };
  const main = project(
    start,
    settingsNamed && !settingsNamed.includes(UNKNOWN) ? classifyPath(settingsNamed, where).path : undefined,
  );
  if (buildNamed && !buildNamed.includes(UNKNOWN)) judge(classifyPath(buildNamed, where).path);
  for (const p of both(start, 'build')) judge(p);
  for (const b of main.builds.slice(0, 8)) {
    const dir = posix.resolve(main.root, b);
    for (const p of [...both(dir, 'settings'), ...both(dir, 'build')]) judge(p);
  }
};

/** `pnpm install`: the hooks file of the project, from the directory up to the workspace's root. */
const runsPnpmfile: Handler = (c: Call) => {
  if (!c.ctx.readScript && !c.ctx.written) return;
  const start = startDir(c, ['-C', '--dir']);
  if (start === undefined) return;
  for (const dir of upFrom(start)) {
    for (const n of ['.pnpmfile.cjs', '.pnpmfile.mjs']) judgeCode(c, join(dir, n), 'node');
    if (textAt(c, join(dir, 'pnpm-workspace.yaml')) !== undefined) return;
  }
};

/** Handlers of the build tools, by name. */
export const BUILD_TOOL_PROGRAMS: Record<string, Handler> = {
  cargo: runsCargo,
  gradle: runsGradle,
  gradlew: runsGradle,
  pnpm: runsPnpmfile,
};
