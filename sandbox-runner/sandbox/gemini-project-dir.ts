import { lstatSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { ProjectPart } from './home-allow.js';
import { readRegularText } from './regular-file.js';

const MARKER = '.project_root';
const SLUG = /^[a-z0-9-]+$/;
const MAX_SCAN = 4096;

/**
 * The directory Gemini CLI (checked against 0.61) keeps a project's chats and memory in under ~/.gemini/tmp:
 * a short name (slug) it records in ~/.gemini/projects.json, keyed by the project's real path, and owns by a
 * `.project_root` file naming that path in tmp/<slug> (and history/<slug>). Found as Gemini finds it: the
 * registry's slug unless a marker names another owner, else a directory whose marker names the project. A
 * project Gemini has not seen yet gets the slug Gemini would claim (its folder's name, lower-cased, then
 * `-1`, `-2`… past taken ones) and the marker, so Gemini finds the same directory inside and outside Ward.
 * Undefined when nothing fits (an unreadable registry entry, a marker Ward cannot write).
 */
export function geminiProjectSlug(project: string, geminiDir: string): string | undefined {
  const [tmp, history] = [join(geminiDir, 'tmp'), join(geminiDir, 'history')];
  const owners = (slug: string) => [tmp, history].map((base) => readMarker(join(base, slug, MARKER)));
  const registry = readRegistry(join(geminiDir, 'projects.json'));
  const registered = registry[project];
  if (
    registered &&
    SLUG.test(registered) &&
    owners(registered).every((o) => o === undefined || o === project)
  )
    return claim(registered, project, tmp);
  for (const base of [tmp, history]) {
    for (const slug of listDir(base)) {
      if (SLUG.test(slug) && readMarker(join(base, slug, MARKER)) === project)
        return claim(slug, project, tmp);
    }
  }
  const taken = new Set(Object.values(registry));
  const stem =
    basename(project)
      .toLowerCase()
      .replace(/[^a-z0-9]/g, '-')
      .replace(/-+/g, '-')
      .replace(/^-|-$/g, '') || 'project';
  for (let n = 0; n < MAX_SCAN; n++) {
    const slug = n === 0 ? stem : `${stem}-${n}`;
    if (!taken.has(slug) && owners(slug).every((o) => o === undefined)) return claim(slug, project, tmp);
  }
  return undefined;
}

/** A marker's owner: undefined when there is none, null when it cannot be read. */
function readMarker(marker: string): string | undefined | null {
  try {
    if (!lstatSync(marker, { throwIfNoEntry: false })) return undefined;
    // In a directory the sandbox writes: never a pipe (it would hang the next run).
    return readRegularText(marker)?.trim() ?? null;
  } catch {
    return null;
  }
}

/** Writes the ownership marker Gemini would (when missing); the slug, or undefined when that fails. */
function claim(slug: string, project: string, tmp: string): string | undefined {
  const dir = join(tmp, slug);
  try {
    mkdirSync(dir, { recursive: true });
    const marker = join(dir, MARKER);
    if (readMarker(marker) === undefined) writeFileSync(marker, project, { flag: 'wx' });
    return readMarker(marker) === project ? slug : undefined;
  } catch {
    return undefined;
  }
}

function readRegistry(file: string): Record<string, string> {
  try {
    const data = JSON.parse(readFileSync(file, 'utf8')) as { projects?: unknown };
    const projects = data.projects;
    if (typeof projects !== 'object' || projects === null) return {};
    return Object.fromEntries(
      Object.entries(projects).filter((e): e is [string, string] => typeof e[1] === 'string'),
    );
  } catch {
    return {};
  }
}

function listDir(dir: string): string[] {
  try {
    return readdirSync(dir).slice(0, MAX_SCAN);
  } catch {
    return [];
  }
}

/**
 * What of ~/.gemini/tmp the sandbox of `ward run gemini` in `project` shows: this project's directory
 * read-write (chats, logs, plans persist, so `--resume` works), its ownership marker and its memory read-only.
 * Gemini loads the memory (and the skills extracted into it) into later sessions of the project, outside
 * Ward too; a marker rewritten from the sandbox would hand this directory to another project. Other
 * projects' directories are not there.
 */
export function geminiProjectDirs(project: string, geminiDir: string): ProjectPart[] {
  const slug = geminiProjectSlug(project, geminiDir);
  if (!slug) return [];
  return [
    { rel: slug, writable: true },
    { rel: `${slug}/${MARKER}`, writable: false, file: true },
    { rel: `${slug}/memory`, writable: false },
  ];
}
