import { createGate, type Gate, loadPolicy } from '../../gate/index.js';

/** The script reviews' workspace (home /home/dev). */
export const W = '/home/dev/project';

/** The entries of `dir` among `files`' paths (a directory's name ends in `/`), undefined when none is under it. */
export function listedIn(files: Record<string, string>, dir: string): string[] | undefined {
  const prefix = dir.endsWith('/') ? dir : `${dir}/`;
  const names = new Set<string>();
  for (const p of Object.keys(files))
    if (p.startsWith(prefix)) {
      const rest = p.slice(prefix.length);
      const slash = rest.indexOf('/');
      names.add(slash < 0 ? rest : rest.slice(0, slash + 1));
    }
  return names.size > 0 ? [...names].sort() : undefined;
}

/** A gate with the default policy whose file reader and directory lister see only `files` (path → text). */
export const gateWith = async (files: Record<string, string> = {}): Promise<Gate> =>
  createGate({
    policy: await loadPolicy({}),
    workspace: W,
    home: '/home/dev',
    readText: (p, max) => files[p]?.slice(0, max),
    listDir: (d) => listedIn(files, d),
  });

/** A Write tool call of `content` to `file` under the workspace. */
export const write = (g: Gate, file: string, content: string) =>
  g.decide({ command: 'Write', tool: 'Write', toolInput: { file_path: `${W}/${file}`, content } });

/** An Edit tool call replacing `old` with `now` in `file` under the workspace. */
export const edit = (g: Gate, file: string, old: string, now: string) =>
  g.decide({
    command: 'Edit',
    tool: 'Edit',
    toolInput: { file_path: `${W}/${file}`, old_string: old, new_string: now },
  });
