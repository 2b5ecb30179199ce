/**
 * Build tools that run code the project holds, read as it is now (the caller's reader) or as this command line
 * wrote it, and judged as its commands typed whatever wrote it:
 * - `cargo`: the build script (build.rs, or `[package] build`) of every package the build reaches: the package,
 *   the workspace's members (a glob by the caller's lister: unlistable asks), the path crates it depends on,
 *   patches (`[patch.*]`, `[replace]`) or shares (`[workspace.dependencies]`); the library of a proc-macro and
 *   of a build-dependency (and what those depend on), which run at build time; each crate with the modules and
 *   includes its root names (rust-crate-files.ts). And what `.cargo/config.toml` (and `.cargo/config`) in the
 *   working directory and each one above, and a `--config` value, make cargo run (cargo-config.ts).
 * - `gradle`, `gradlew`: gradle.ts; `mvn`, `mvnw`: maven.ts.
 * - `pnpm`: the hooks file `.pnpmfile.cjs` (or `.mjs`) it loads when it resolves packages, as JavaScript.
 * A configuration that does not read as TOML asks.
 */
import { posix } from 'node:path';
import { type Call, type Handler, optionValue } from '../call.js';
import { buildScriptOf, type CargoConfig, cargoConfigValue, readCargoConfig } from '../cargo-config.js';
import { report } from '../context.js';
import { classifyPath } from '../paths.js';
import { crateFiles } from '../rust-crate-files.js';
import { UNKNOWN } from '../script.js';
import { isTomlTable, parseToml, type TomlTable, type TomlValue } from '../toml-text.js';
import { GRADLE_PROGRAMS } from './gradle.js';
import { MAVEN_PROGRAMS } from './maven.js';
import {
  codeAt,
  globDirs,
  join,
  judgeCode,
  judgeHanded,
  startDir,
  textAt,
  unlisted,
  upFrom,
} from './project-files.js';

/** How many manifests one command follows. */
const MAX_FILES = 32;

function judgeConfig(c: Call, label: string, reading: CargoConfig): void {
  judgeHanded(c, label, reading.commands);
  if (reading.unreadable)
    report(c.ctx, 'exec.script-run-ask', `${label} run by cargo: does not read as TOML`);
}

/** A package the build reaches: its directory, and whether its library runs at build time (`host`). */
interface Reached {
  dir: string;
  host: boolean;
}

/** The `path` of each dependency-like entry of a table (`foo = { path = "…" }`). */
function paths(t: TomlValue | undefined): string[] {
  if (!isTomlTable(t)) return [];
  const out: string[] = [];
  for (const d of t.values()) {
    const path = isTomlTable(d) ? d.get('path') : undefined;
    if (typeof path === 'string') out.push(path);
  }
  return out;
}

/**
 * The packages a manifest names, relative to its directory: its workspace's members (each glob expanded by the
 * lister: undefined when it cannot be), its path dependencies (a build-dependency's library runs at build
 * time), patches, replacements and the workspace's shared dependencies.
 */
function packagesNamed(c: Call, dir: string, doc: TomlTable, host: boolean): Reached[] | undefined {
  const out: Reached[] = [];
  const ws = doc.get('workspace');
  const members = isTomlTable(ws) ? ws.get('members') : undefined;
  if (Array.isArray(members))
    for (const m of members) {
      if (typeof m !== 'string') continue;
      const dirs = /[*?[]/.test(m) ? globDirs(c, dir, m) : [posix.resolve(dir, m)];
      if (dirs === undefined) return undefined;
      for (const d of dirs) out.push({ dir: d, host });
    }
  const named = (t: TomlValue | undefined, isHost: boolean) => {
    for (const p of paths(t)) out.push({ dir: posix.resolve(dir, p), host: isHost });
  };
  const tables = (t: TomlValue | undefined) => {
    named(isTomlTable(t) ? t.get('dependencies') : undefined, host);
    named(isTomlTable(t) ? t.get('dev-dependencies') : undefined, host);
    named(isTomlTable(t) ? t.get('build-dependencies') : undefined, true);
  };
  tables(doc);
  const target = doc.get('target');
  if (isTomlTable(target)) for (const t of target.values()) tables(t);
  named(isTomlTable(ws) ? ws.get('dependencies') : undefined, host);
  const patch = doc.get('patch');
  if (isTomlTable(patch)) for (const source of patch.values()) named(source, host);
  named(doc.get('replace'), host);
  return out;
}

/** The library root a manifest compiles (`[lib] path`, else src/lib.rs), and whether it is a proc-macro. */
function libraryOf(doc: TomlTable): { root: string; procMacro: boolean } {
  const lib = doc.get('lib');
  const path = isTomlTable(lib) ? lib.get('path') : undefined;
  const pm = isTomlTable(lib) ? (lib.get('proc-macro') ?? lib.get('proc_macro')) : undefined;
  return { root: typeof path === 'string' ? path : 'src/lib.rs', procMacro: pm === true };
}

/** Judges a crate's files from `root`, as Rust (an unreadable root that is there asks). */
function judgeCrate(c: Call, root: string): void {
  if (codeAt(c, root, 'compiled and run') === undefined) return;
  for (const f of crateFiles(root, (p) => textAt(c, p))) judgeCode(c, f.path, 'rust');
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
  const queue: { manifest: string; host: boolean }[] = first ? [{ manifest: first, host: false }] : [];
  // A member's build is its workspace's: the root's patches and shared dependencies apply to it.
  const root = first
    ? upFrom(posix.dirname(first))
        .slice(1)
        .map((d) => join(d, 'Cargo.toml'))
        .find((p) => /^\s*\[workspace\b/m.test(textAt(c, p) ?? ''))
    : undefined;
  if (root) queue.push({ manifest: root, host: false });
  const seen = new Map<string, boolean>();
  while (queue.length > 0 && seen.size < MAX_FILES) {
    const { manifest, host } = queue.shift() as { manifest: string; host: boolean };
    // A package reached again as a build-time one is read again for its library.
    if (seen.has(manifest) && (seen.get(manifest) || !host)) continue;
    seen.set(manifest, host);
    const text = codeAt(c, manifest, 'built');
    const doc = text === undefined ? undefined : parseToml(text);
    if (!doc) continue;
    const dir = posix.dirname(manifest);
    const script = buildScriptOf(doc);
    if (script !== undefined) judgeCrate(c, posix.resolve(dir, script));
    const lib = libraryOf(doc);
    if ((host || lib.procMacro) && doc.has('package')) judgeCrate(c, posix.resolve(dir, lib.root));
    const reached = packagesNamed(c, dir, doc, host || lib.procMacro);
    if (reached === undefined) unlisted(c, `${manifest}'s workspace members`);
    for (const p of reached ?? []) queue.push({ manifest: join(p.dir, 'Cargo.toml'), host: p.host });
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
  ...GRADLE_PROGRAMS,
  ...MAVEN_PROGRAMS,
  pnpm: runsPnpmfile,
};
