import type { Handler } from '../call.js';
import { report } from '../context.js';
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
