/**
 * What cargo's configuration (`.cargo/config.toml`, `.cargo/config`, a `--config` value) makes cargo run: an
 * alias (`[alias] xyz = "run --config …"`: cargo's own arguments, judged as `cargo …` typed), the program that
 * runs what it builds (`[target.*] runner`, `[host] runner`), the linker and archiver, the compiler and its
 * wrappers (`[build] rustc`, `rustc-wrapper`, `rustc-workspace-wrapper`, `rustdoc`), a linker named in the
 * compiler's flags (`-C linker=…`), the browser `cargo doc --open` starts, a credential provider, and the
 * variables `[env]` sets for everything it starts (`LD_PRELOAD`). Each as a command line judged as typed.
 */
import { isTomlTable, parseToml, type TomlTable, type TomlValue } from './toml-text.js';

/** What a configuration runs; `unreadable` when it is not TOML. */
export interface CargoConfig {
  commands: string[];
  unreadable: boolean;
}

/** Keys whose value is a program cargo starts (a string split at spaces, or an array of words). */
const PROGRAM = new Set([
  'runner',
  'linker',
  'ar',
  'rustc',
  'rustc-wrapper',
  'rustc-workspace-wrapper',
  'rustdoc',
  'browser',
  'credential-provider',
  'global-credential-providers',
  'credential-process',
]);

const quote = (w: string) => `'${w.replaceAll("'", `'\\''`)}'`;

/** The words of a value cargo splits: a string at spaces, an array as it is. */
function words(v: TomlValue | undefined): string[] | undefined {
  if (typeof v === 'string') return v.trim().split(/\s+/).filter(Boolean);
  if (Array.isArray(v) && v.every((w) => typeof w === 'string')) return v as string[];
  return undefined;
}

function collect(v: TomlValue, path: string[], out: Set<string>, depth = 0): void {
  if (depth > 12 || out.size > 256) return;
  const key = path.at(-1) ?? '';
  if (path.length === 2 && path[0] === 'alias') {
    const w = words(v);
    if (w) out.add(`cargo ${w.map(quote).join(' ')}`);
    return;
  }
  if (path.length === 2 && path[0] === 'env') {
    const value = typeof v === 'string' ? v : isTomlTable(v) ? v.get('value') : undefined;
    if (typeof value === 'string') out.add(`${key}=${quote(value)} true`);
    return;
  }
  if (PROGRAM.has(key)) {
    // A provider list holds one program per entry; any other key one program with its arguments.
    const programs = key === 'global-credential-providers' && Array.isArray(v) ? v.map(words) : [words(v)];
    for (const w of programs) if (w && w.length > 0) out.add(w.map(quote).join(' '));
    // Read as a shell would too: what the words make is then judged whole (`sh -c "…"`).
    if (typeof v === 'string') out.add(v);
    return;
  }
  if (key === 'rustflags' || key === 'rustdocflags') {
    const w = words(v) ?? [];
    w.forEach((flag, i) => {
      const m =
        /^-C\s*linker=(.+)$/.exec(flag) ?? (flag === '-C' ? /^linker=(.+)$/.exec(w[i + 1] ?? '') : null);
      if (m?.[1]) out.add(quote(m[1]));
    });
    return;
  }
  if (isTomlTable(v)) for (const [k, w] of v) collect(w, [...path, k], out, depth + 1);
}

/** What the cargo configuration in `text` runs. */
export function readCargoConfig(text: string): CargoConfig {
  const doc = parseToml(text);
  if (!doc) return { commands: [], unreadable: true };
  const out = new Set<string>();
  collect(doc, [], out);
  return { commands: [...out], unreadable: false };
}

/** A `--config` value that is not a file: one TOML `key = value` (`target.x.runner = 'sh -c …'`). */
export function cargoConfigValue(value: string): CargoConfig | undefined {
  if (!/^[\w."'\s-]+=/.test(value)) return undefined;
  return readCargoConfig(value);
}

/** The table a manifest's `[package] build` names, `build.rs` by default, none when `build = false`. */
export function buildScriptOf(manifest: TomlTable | undefined): string | undefined {
  const pkg = manifest?.get('package');
  const build = isTomlTable(pkg) ? pkg.get('build') : undefined;
  if (build === false) return undefined;
  return typeof build === 'string' ? build : 'build.rs';
}
