import { type Handler, operands } from '../call.js';
import { report } from '../context.js';
import { judgePathInstall, PATH_INSTALL_PROGRAMS } from './path-installs.js';
import { always } from './system.js';

const pkg =
  (mutating: RegExp): Handler =>
  (c) => {
    const sub = c.args.find((a) => !a.startsWith('-')) ?? '';
    if (mutating.test(sub)) report(c.ctx, 'supply.system-pkg', `${c.name} ${sub}`);
  };

const langPkg: Handler = (c) => {
  const sub = c.args.find((a) => !a.startsWith('-')) ?? '';
  if (/^(publish|push|upload|release)$/.test(sub)) report(c.ctx, 'supply.publish', `${c.name} ${sub}`);
  if (!/^(install|i|add|update|upgrade|download|ci|exec|x)$/.test(sub)) return;
  const text = c.args.join(' ');
  if (
    /(^|\s)(--index-url|-i|--extra-index-url|--registry|--trusted-host|--find-links|-f|--source)(\s|=)|\s(git\+|https?:\/\/|git:\/\/|github:|[\w.-]+\/[\w.-]+#)/.test(
      ` ${text}`,
    )
  )
    report(c.ctx, 'supply.untrusted-source', `${c.name} ${text}`.slice(0, 120));
  if (
    c.args.includes('--user') ||
    c.args.includes('-g') ||
    c.args.includes('--global') ||
    c.args.includes('--break-system-packages')
  )
    report(c.ctx, 'write.home', `${c.name} installs outside the project`);
};

/**
 * Language package managers: the subcommand words (joined by spaces) that install named packages. A named
 * package runs its install scripts (or its code, on first import) here: the supply-chain question the user
 * should answer. Installing what the lockfile or requirements file already pins (`npm ci`, `pip install -r
 * requirements.txt`, `cargo build`) is not asked about.
 */
const INSTALLS: Record<string, RegExp> = {
  npm: /^(install|i|add|isntall|in|ins|inst|insta|instal|update|up|upgrade)$/,
  pnpm: /^(add|install|i|update|up)$/,
  yarn: /^(add|global add|up|upgrade)$/,
  bun: /^(add|a|install|i|update)$/,
  pip: /^(install|download)$/,
  pip3: /^(install|download)$/,
  uv: /^(add|pip install|tool install|tool run)$/,
  poetry: /^(add)$/,
  pipx: /^(install|inject|run)$/,
  pdm: /^(add)$/,
  conda: /^(install|create)$/,
  mamba: /^(install|create)$/,
  gem: /^(install|i)$/,
  bundle: /^(add)$/,
  cargo: /^(install|add)$/,
  go: /^(install|get)$/,
  composer: /^(require|global require)$/,
  dotnet: /^(add package|tool install)$/,
  deno: /^(add|install)$/,
  cpanm: /^$/,
};
/** Options of those commands that take a value (so it is not a package name). */
const VALUE_OPTIONS = [
  '-r',
  '--requirement',
  '-c',
  '--constraint',
  '-e',
  '--editable',
  '-t',
  '--target',
  '-i',
  '--index-url',
  '--extra-index-url',
  '-f',
  '--find-links',
  '--python',
  '-p',
  '--prefix',
  '--root',
  '-C',
  '--cwd',
  '--dir',
  '--registry',
  '--tag',
  '--group',
  '-G',
  '--optional',
  '--extra',
  '-E',
  '--features',
  '-F',
  '--version',
  '-v',
  '--source',
  '-s',
  '--framework',
  '-n',
  '--name',
  '--channel',
  '--env',
  '--path',
  '--git',
  '--branch',
  '--rev',
  '--save-prefix',
  '-w',
  '--workspace',
  '--filter',
  '--only',
  '--with',
];
/** Operands that are local paths, requirement files or the project itself, not registry packages. */
const LOCAL =
  /^(\.{1,2}(\/.*)?|\/.*|~\/.*|[\w./-]*\/$|.*\.(txt|toml|cfg|in|whl|tar\.gz|tgz|zip|csproj|fsproj|gemspec|json))$|^\.\/|^(-|pip|setuptools|wheel)$/;

/** The registry packages a command installs, if any. */
export function namedPackages(program: string, args: readonly string[]): string[] {
  const pattern = INSTALLS[program];
  if (!pattern) return [];
  const ops = operands([...args], VALUE_OPTIONS);
  for (const n of [2, 1, 0]) {
    const sub = ops.slice(0, n).join(' ');
    if (pattern.test(sub))
      return ops.slice(n).filter((o) => !LOCAL.test(o) && !o.includes('\u0001') && !/^\w+=/.test(o));
  }
  return [];
}

const installs: Handler = (c) => {
  const pkgs = namedPackages(c.name, c.args);
  if (pkgs.length > 0)
    report(c.ctx, 'supply.package-install', `${c.name} installs ${pkgs.slice(0, 4).join(' ')}`);
};

/** System and language package managers: installs from untrusted sources and publishing. */
export const PACKAGE_PROGRAMS: Record<string, Handler> = {
  apt: pkg(/^(install|remove|purge|upgrade|full-upgrade|dist-upgrade|autoremove|reinstall)$/),
  'apt-get': pkg(/^(install|remove|purge|upgrade|dist-upgrade|autoremove|reinstall|build-dep)$/),
  dpkg: (c) => {
    if (c.args.some((a) => /^-(i|r|P|-install|-remove|-purge)$/.test(a)))
      report(c.ctx, 'supply.system-pkg', `dpkg ${c.args.join(' ')}`);
  },
  yum: pkg(/^(install|remove|erase|update|upgrade|downgrade|reinstall|localinstall|groupinstall)$/),
  dnf: pkg(/^(install|remove|erase|update|upgrade|downgrade|reinstall)$/),
  zypper: pkg(/^(in|install|rm|remove|up|update|dup)$/),
  pacman: (c) => {
    if (c.args.some((a) => /^-[SRU]/.test(a)))
      report(c.ctx, 'supply.system-pkg', `pacman ${c.args.join(' ')}`);
  },
  apk: pkg(/^(add|del|upgrade)$/),
  brew: pkg(/^(install|uninstall|remove|upgrade|reinstall|tap)$/),
  port: pkg(/^(install|uninstall|upgrade)$/),
  snap: pkg(/^(install|remove|refresh)$/),
  rpm: (c) => {
    if (c.args.some((a) => /^-[a-zA-Z]*[iUFe]/.test(a) && !/^-q/.test(a)))
      report(c.ctx, 'supply.system-pkg', `rpm ${c.args.join(' ')}`);
  },
  pip: langPkg,
  pip3: langPkg,
  npm: langPkg,
  pnpm: langPkg,
  yarn: langPkg,
  gem: langPkg,
  cargo: langPkg,
  go: langPkg,
  cpan: always('supply.cpan'),
  twine: (c) => {
    if (c.args[0] === 'upload') report(c.ctx, 'supply.publish', 'twine upload');
  },
  cpanm: langPkg,
};
for (const name of Object.keys(INSTALLS)) {
  const prev = PACKAGE_PROGRAMS[name];
  PACKAGE_PROGRAMS[name] = prev
    ? (c) => {
        prev(c);
        installs(c);
      }
    : installs;
}
// Installs that put programs on the user's PATH (path-installs.ts), besides what they install.
for (const name of PATH_INSTALL_PROGRAMS) {
  const prev = PACKAGE_PROGRAMS[name];
  PACKAGE_PROGRAMS[name] = (c) => {
    prev?.(c);
    judgePathInstall(c);
  };
}
