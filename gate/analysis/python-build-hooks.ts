/**
 * The project's own Python that building it runs (a PEP 517 build: `hatch build`, the editable install of `hatch
 * run` or `pdm install`, `pip install .`, `python -m build`), by what pyproject.toml (and hatch.toml) say:
 * - an in-tree backend: `[build-system] backend-path` holds the module `build-backend` names;
 * - hatchling: the custom build hooks (`[tool.hatch.build.hooks.custom]`, a target's
 *   `[tool.hatch.build.targets.<t>.hooks.custom]`) and metadata hook (`[tool.hatch.metadata.hooks.custom]`), at
 *   their `path` or hatch_build.py, and a version read from code (`[tool.hatch.version] source = "code"`);
 * - pdm-backend: pdm_build.py, which it loads whenever it is there;
 * - setuptools (the backend, or none named: pip's fallback): setup.py;
 * - poetry-core: the build script `[tool.poetry.build] script` (or `build`).
 */
import { posix } from 'node:path';
import { isTomlTable, type TomlTable, type TomlValue, tomlAt } from './toml-text.js';

/** What a build of the project at `dir` runs of it: files, and an in-tree backend module with its roots. */
export interface BuildHooks {
  files: string[];
  backend?: { module: string; roots: string[] };
}

const str = (v: TomlValue | undefined) => (typeof v === 'string' ? v : undefined);

/** Each custom hook table under `hooks` tables found at `at` (a target's too): its `path` or the default. */
function customHooks(doc: TomlTable | undefined, at: string[], out: string[]): void {
  const build = tomlAt(doc, at);
  if (!isTomlTable(build)) return;
  const hook = tomlAt(build, ['hooks', 'custom']);
  if (hook !== undefined) out.push(str(isTomlTable(hook) ? hook.get('path') : undefined) ?? 'hatch_build.py');
  const targets = build.get('targets');
  if (isTomlTable(targets))
    for (const t of targets.values()) {
      const h = tomlAt(t, ['hooks', 'custom']);
      if (h !== undefined) out.push(str(isTomlTable(h) ? h.get('path') : undefined) ?? 'hatch_build.py');
    }
}

/** What building the project at `dir` runs of it, from its pyproject.toml and hatch.toml (parsed, if any). */
export function buildHooks(
  dir: string,
  pyproject: TomlTable | undefined,
  hatch: TomlTable | undefined,
): BuildHooks {
  const files: string[] = [];
  const system = pyproject?.get('build-system');
  const backend = isTomlTable(system) ? str(system.get('build-backend')) : undefined;
  const paths = isTomlTable(system) ? system.get('backend-path') : undefined;
  const hatchling = backend === undefined || backend.startsWith('hatchling');
  if (hatchling) {
    customHooks(pyproject, ['tool', 'hatch', 'build'], files);
    customHooks(hatch, ['build'], files);
    for (const [doc, at] of [
      [pyproject, ['tool', 'hatch', 'metadata']],
      [hatch, ['metadata']],
    ] as const) {
      const hook = tomlAt(doc, [...at, 'hooks', 'custom']);
      if (hook !== undefined)
        files.push(str(isTomlTable(hook) ? hook.get('path') : undefined) ?? 'hatch_build.py');
    }
    for (const version of [tomlAt(pyproject, ['tool', 'hatch', 'version']), tomlAt(hatch, ['version'])])
      if (isTomlTable(version) && version.get('source') === 'code') {
        const path = str(version.get('path'));
        if (path) files.push(path);
      }
  }
  if (backend?.startsWith('pdm.')) files.push('pdm_build.py');
  if (backend === undefined || backend.startsWith('setuptools')) files.push('setup.py');
  const poetry = tomlAt(pyproject, ['tool', 'poetry']);
  if (isTomlTable(poetry)) {
    const build = poetry.get('build');
    const script = isTomlTable(build) ? str(build.get('script')) : str(build);
    if (script) files.push(script);
  }
  const out: BuildHooks = { files: [...new Set(files.map((f) => posix.resolve(dir, f)))] };
  if (backend && Array.isArray(paths)) {
    const roots = paths.filter((p): p is string => typeof p === 'string').map((p) => posix.resolve(dir, p));
    if (roots.length > 0) out.backend = { module: backend.split(':')[0] ?? backend, roots };
  }
  return out;
}
