import { type Call, optionValue } from '../call.js';
import { report } from '../context.js';
import { touch } from '../effects.js';

/**
 * Install commands that put programs into a directory on the user's PATH (`cargo install --path .` into
 * ~/.cargo/bin, `go install ./cmd/x` into ~/go/bin, `npm link`, `pipx install .`): the programs' names come from
 * the project's files (the agent writes them), and one named `git` or `sudo` runs in place of the real one from
 * then on, as a program copied there by hand does (`persist.path-program`).
 */
interface PathInstall {
  /** The subcommand words that install (joined by a space), tried on the first two operands. */
  sub: RegExp;
  /** Where the programs go, as shown. */
  dir: string;
  /** Only with one of these flags (`npm install -g`), when the subcommand alone installs into the project. */
  flags?: RegExp;
  /** The option that moves the programs elsewhere (`cargo install --root R` puts them in R/bin). */
  root?: string;
}

const PATH_INSTALLS: Record<string, PathInstall> = {
  cargo: { sub: /^(?:install|binstall)$/, dir: '~/.cargo/bin', root: '--root' },
  go: { sub: /^install$/, dir: '~/go/bin' },
  pipx: { sub: /^install$/, dir: '~/.local/bin' },
  uv: { sub: /^tool install$/, dir: '~/.local/bin' },
  pip: { sub: /^install$/, dir: '~/.local/bin', flags: /^--user$/ },
  pip3: { sub: /^install$/, dir: '~/.local/bin', flags: /^--user$/ },
  npm: {
    sub: /^(?:link|ln)$|^(?:install|i|add)$/,
    dir: "npm's global bin directory",
    flags: /^(?:-g|--global)$/,
  },
  pnpm: { sub: /^(?:add|link)$/, dir: "pnpm's global bin directory", flags: /^(?:-g|--global)$/ },
  yarn: { sub: /^global add$/, dir: "yarn's global bin directory" },
  bun: { sub: /^(?:add|install|i|link)$/, dir: '~/.bun/bin', flags: /^(?:-g|--global)$/ },
  gem: { sub: /^(?:install|i)$/, dir: "gem's bin directory" },
  dotnet: { sub: /^tool install$/, dir: '~/.dotnet/tools', flags: /^(?:-g|--global)$/ },
  deno: { sub: /^install$/, dir: '~/.deno/bin', flags: /^(?:-g|--global)$/, root: '--root' },
};

/** The programs whose installs can put programs on PATH. */
export const PATH_INSTALL_PROGRAMS = Object.keys(PATH_INSTALLS);

/** `npm link` without operands links the project itself globally; with them it links into the project. */
const LINKS_INTO_PROJECT = /^(?:npm|pnpm|bun) (?:link|ln) \S/;

/** Judges an install that puts programs on the user's PATH (see PATH_INSTALLS). */
export function judgePathInstall(c: Call): void {
  const row = PATH_INSTALLS[c.name];
  if (!row) return;
  const words = c.args.filter((a) => !a.startsWith('-'));
  const sub = [words.slice(0, 2).join(' '), words[0] ?? ''].find((s) => row.sub.test(s));
  if (sub === undefined) return;
  const linking = /^(?:link|ln)$/.test(sub);
  if (linking && LINKS_INTO_PROJECT.test(`${c.name} ${words.join(' ')}`)) return;
  if (row.flags && !linking && !c.args.some((a) => row.flags?.test(a))) return;
  const root = row.root ? optionValue(c.args, [row.root]) : undefined;
  if (root !== undefined) {
    touch(c.ctx, `${root.replace(/\/+$/, '')}/bin`, 'write', c.cwd);
    return;
  }
  report(c.ctx, 'persist.path-program', `${c.name} ${sub} puts programs in ${row.dir}, on the user's PATH`);
}
