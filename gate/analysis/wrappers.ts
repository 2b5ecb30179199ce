/** Wrappers, runners and fetch-and-run launchers: programs that run another command given as arguments. */

/** Wrappers that run their arguments as a command, with the options that take a value. */
export const PASS_THROUGH: Record<string, readonly string[]> = {
  nohup: [],
  time: ['-f', '-o'],
  nice: ['-n'],
  ionice: ['-c', '-n', '-p'],
  stdbuf: ['-i', '-o', '-e'],
  timeout: ['-s', '-k', '--signal', '--kill-after'],
  command: [],
  builtin: [],
  exec: ['-a'],
  setsid: [],
  unbuffer: [],
  caffeinate: ['-t', '-w'],
  strace: ['-o', '-e', '-p', '-s'],
  ltrace: ['-o', '-e', '-p'],
  sudo: ['-u', '-g', '-C', '-D', '-h', '-p', '-r', '-t', '-U'],
  doas: ['-u', '-C'],
  pkexec: ['--user'],
  chroot: ['--userspec', '--groups'],
  env: ['-u', '-C', '--unset', '--chdir'],
  taskset: [],
  chrt: [],
  cpulimit: ['-l', '-p', '-e', '--limit', '--pid', '--exe'],
  setarch: [],
  unshare: [],
  nsenter: ['-t', '--target'],
  firejail: [],
  runuser: ['-u', '-g', '-G'],
  catchsegv: [],
  valgrind: [],
  'ssh-agent': ['-a', '-E', '-t', '-P'],
  'dbus-run-session': [],
  'xvfb-run': ['-n', '-s', '-e', '-f'],
  proxychains: ['-f'],
  proxychains4: ['-f'],
  torsocks: [],
  torify: [],
  faketime: [],
  numactl: [],
  chronic: [],
  tini: [],
  'dumb-init': [],
  rlwrap: ['-l', '-f', '-H', '-P', '-S', '-a'],
  'cross-env': [],
  dotenv: ['-e', '-c'],
  entr: [],
  logsave: [],
  flock: ['-w', '-E', '--timeout', '--conflict-exit-code'],
  screen: ['-S', '-c', '-t', '-e', '-h', '-p', '-T', '-Logfile', '-X'],
};

/** Leading operands of a wrapper that are not the command: a duration, a CPU mask, a lock file, a log. */
export const SKIP_OPERANDS: Record<string, number> = {
  timeout: 1,
  taskset: 1,
  chrt: 1,
  flock: 1,
  logsave: 1,
  setarch: 1,
};

/**
 * Project and environment runners: `<program> <subcommand> cmd...` runs `cmd` (`poetry run pytest`,
 * `bundle exec rake`, `npm exec x`). The inner command is analysed like any other.
 */
export const RUNNERS: Record<string, RegExp> = {
  poetry: /^run$/,
  uv: /^run$/,
  pipenv: /^run$/,
  pdm: /^run$/,
  hatch: /^run$/,
  rye: /^run$/,
  conda: /^run$/,
  mamba: /^run$/,
  bundle: /^exec$/,
  bundler: /^exec$/,
  cabal: /^exec$/,
  stack: /^exec$/,
  npm: /^(exec|x)$/,
  pnpm: /^exec$/,
  yarn: /^exec$/,
  bun: /^x$/,
  mix: /^run$/,
  direnv: /^exec$/,
  'aws-vault': /^exec$/,
  op: /^run$/,
  doppler: /^run$/,
  nix: /^(shell|develop|run)$/,
  'nix-shell': /^--run$/,
  xdotool: /^exec$/,
  task: /^execute$/,
  distrobox: /^enter$/,
  toolbox: /^run$/,
  pidstat: /^-e$/,
};

/** Subcommands that open a console reading expressions the gate never sees (`terraform console`). */
export const INTERACTIVE_SUBCOMMANDS: Record<string, RegExp> = {
  terraform: /^console$/,
  tofu: /^console$/,
  rails: /^(console|c|dbconsole|db)$/,
  bundle: /^console$/,
  artisan: /^tinker$/,
  php: /^tinker$/,
  mix: /^(iex)$/,
  flask: /^shell$/,
  dotnet: /^(fsi|repl)$/,
};

/** Options of the runners above that take a value (`uv run --with pkg cmd`). */
export const RUNNER_VALUE_OPTIONS =
  /^(-w|--with|--python|-p|--env-file|--package|--from|-C|--directory|--project|--group|--extra|-n|--name|-e|--environment)$/;

/** `npx pkg`, `uvx pkg`, `pnpm dlx pkg`: runs a package fetched from a registry unless it is a known tool. */
export const FETCH_AND_RUN: Record<string, RegExp | null> = {
  npx: null,
  bunx: null,
  pnpx: null,
  uvx: null,
  pnpm: /^dlx$/,
  yarn: /^dlx$/,
  pipx: /^run$/,
};
