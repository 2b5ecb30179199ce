/**
 * Files named inside another tool's own syntax: `gh api -F body=@.env` (and glab's) sends the file, `--input
 * FILE` sends it whole; `cmake -E copy|rm|rename|…` is cp, rm and mv under another name.
 */
import { type Handler, operands } from '../call.js';
import { touch } from '../effects.js';

/** `gh api`/`glab api`: `-F key=@file`, `--field key=@file`, `--input file` read the file to send it. */
const forgeApi: Handler = (c) => {
  if (c.args[0] !== 'api') return;
  for (let i = 1; i < c.args.length; i++) {
    const a = c.args[i] ?? '';
    const value = /^(-F|--field)$/.test(a) ? c.args[i + 1] : /^--field=/.test(a) ? a.slice(8) : undefined;
    const file = value && /^[^=]*=@(.+)$/.exec(value)?.[1];
    if (file && file !== '-') touch(c.ctx, file, 'read', c.cwd);
    const input = a === '--input' ? c.args[i + 1] : a.startsWith('--input=') ? a.slice(8) : undefined;
    if (input && input !== '-') touch(c.ctx, input, 'read', c.cwd);
  }
};

/** `cmake -E <command> …`: the file commands, judged as the programs they stand for. */
const cmake: Handler = (c) => {
  const at = c.args.indexOf('-E');
  if (at < 0) return;
  const command = c.args[at + 1] ?? '';
  const ops = operands(c.args.slice(at + 2)).slice(0, 64);
  if (/^(copy|copy_if_different|copy_directory|copy_directory_if_different)$/.test(command)) {
    const dest = ops.pop();
    for (const p of ops) touch(c.ctx, p, 'read', c.cwd);
    if (dest !== undefined) c.run(['cp', '-r', ...ops, dest]);
  } else if (/^(rm|remove|remove_directory)$/.test(command))
    for (const p of ops) touch(c.ctx, p, 'delete', c.cwd, true);
  else if (command === 'rename' && ops.length === 2) c.run(['mv', ...ops]);
  else if (/^(touch|touch_nocreate|make_directory|create_symlink|create_hardlink)$/.test(command)) {
    const dest = command.startsWith('create_') ? ops.slice(-1) : ops;
    for (const p of dest) touch(c.ctx, p, 'write', c.cwd);
  } else if (/^(cat|md5sum|sha\d+sum|compare_files)$/.test(command))
    for (const p of ops) touch(c.ctx, p, 'read', c.cwd);
};

export const TOOL_FILE_PROGRAMS: Record<string, Handler> = { gh: forgeApi, glab: forgeApi, cmake };
