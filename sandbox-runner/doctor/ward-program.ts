import { lstatSync, readlinkSync, realpathSync } from 'node:fs';
import { dirname, isAbsolute, resolve, sep } from 'node:path';
import { envShebang, firstOnPath, hookWords } from '../hooks/hook-command.js';

/** Ward as `ward install` writes it into a hook: its entry script (bin/ward.mjs) and the node that runs it. */
export interface WardProgram {
  entry: string;
  node: string;
}

const real = (p: string): string | undefined => {
  try {
    return realpathSync(p);
  } catch {
    return undefined;
  }
};

/** Every path a file name goes through as it resolves: the name, each symlink on the way, the real file. */
function pathsOnTheWay(path: string): string[] {
  const out: string[] = [];
  let cur: string | undefined = resolve(path);
  for (let hops = 0; cur !== undefined && hops < 40; hops++) {
    out.push(cur);
    const parts: string[] = cur.split(sep).filter(Boolean);
    let prefix: string = sep;
    let next: string | undefined;
    for (const [i, part] of parts.entries()) {
      const p = resolve(prefix, part);
      try {
        if (lstatSync(p).isSymbolicLink()) {
          next = resolve(prefix, readlinkSync(p), ...parts.slice(i + 1));
          break;
        }
      } catch {
        break;
      }
      prefix = p;
    }
    cur = next;
  }
  return out;
}

/**
 * Why the words a Ward hook command runs are not Ward as `ward install` writes it, or null. Anything else
 * there answers in Ward's place: another program (`printf {}`, `env`, `true`, `sh -c`), a script or a
 * symlink named ward, node with options that load other code, shell syntax past plain words, arguments that
 * change what Ward decides, or a file in the project, which the agent can rewrite.
 */
export function wardProgramProblem(
  command: string,
  agent: string,
  o: { ward: WardProgram; project: string; path: string | undefined },
): string | null {
  const { words, rest } = hookWords(command);
  const first = words[0];
  if (first === undefined) return `it does not start with a plain program path (\`${rest.slice(0, 40)}\`)`;
  const found = first.includes('/') ? first : firstOnPath(first, o.path);
  if (found === undefined) return null; // reported as not found on PATH
  const entry = real(o.ward.entry) ?? o.ward.entry;
  const notWard = (words_: string[]) =>
    `it runs ${words_.join(' ')}, not Ward (${o.ward.entry}) or the node that runs it (${o.ward.node})`;
  // Ward's entry itself, or the node that runs it with the options of the entry's own `#!` line, then the entry.
  let at = 0;
  const node = real(o.ward.node);
  if (node !== undefined && real(found) === node) {
    const shebang = envShebang(entry)?.args ?? [];
    at = words.findIndex((w, i) => i > 0 && !shebang.includes(w));
    if (words[at]?.startsWith('-'))
      return `node runs it with ${words[at]}, which \`ward install\` never writes: an option can load other code`;
    if (at === -1 || words[at] === 'hook') return notWard(words.slice(0, at === -1 ? undefined : at));
  }
  const script = at === 0 ? found : (words[at] ?? '');
  if (!isAbsolute(found) || !isAbsolute(script))
    return `${isAbsolute(found) ? script : found} is not an absolute path: it resolves wherever the agent runs the hook`;
  if (real(script) !== entry) return notWard(words.slice(0, at + 1));
  if (rest !== '') return `the shell runs more than Ward: \`${rest.slice(0, 40)}\` follows its words`;
  const args = words.slice(at + 1).join(' ');
  if (!new RegExp(`^hook ${agent}( --wait( --timeout [1-9]\\d*)?)?$`).test(args))
    return `its arguments \`${args}\` are not \`hook ${agent}\` as \`ward install\` writes them (--wait, --timeout S)`;
  const project = [resolve(o.project), real(o.project)].filter((p) => p !== undefined);
  const inProject = [found, script]
    .flatMap(pathsOnTheWay)
    .concat(dirname(dirname(entry)))
    .find((p) => project.some((d) => p === d || p.startsWith(`${d}${sep}`)));
  return inProject === undefined
    ? null
    : `${inProject} is inside the project ${o.project}, which the agent can rewrite`;
}
