import { createGate, type Gate, loadPolicy } from '../../gate/index.js';

/** The script reviews' workspace (home /home/dev). */
export const W = '/home/dev/project';

/** A gate with the default policy whose file reader sees only `files` (path → text). */
export const gateWith = async (files: Record<string, string> = {}): Promise<Gate> =>
  createGate({
    policy: await loadPolicy({}),
    workspace: W,
    home: '/home/dev',
    readText: (p, max) => files[p]?.slice(0, max),
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
