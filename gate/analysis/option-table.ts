/**
 * What an option (or a command in a program's own script language) makes the program do:
 * - `runs`: its value is a command line the program hands to a shell;
 * - `runs-editor`: its value is an editor/debugger command, which can escape to a shell;
 * - `loads`: its value is a shared library or plugin loaded into the process;
 * - `reads` / `writes`: its value is a path the program reads or writes;
 * - `connects`: its value is a remote endpoint;
 * - `runs-file`: its value is a script or plugin file the program runs (judged as running that file);
 * - `unsafe`: the flag turns off the program's own sandbox or safety checks.
 */
export type Effect =
  | 'runs'
  | 'runs-editor'
  | 'runs-file'
  | 'loads'
  | 'reads'
  | 'writes'
  | 'connects'
  | 'unsafe';

/**
 * One row: for these programs, an option whose name matches `option` (given as `-o v`, `-ov` for one-letter
 * options, `--opt v` or `--opt=v`) and whose value matches `value` has `effect`; the value's first capture
 * group, when present, is what the effect applies to; `value: /^$/` marks a flag, whose presence is the effect. A row with `script` instead matches the program's own
 * language: every argument and the text fed on standard input.
 */
export interface OptionRow {
  programs: readonly string[];
  option?: RegExp;
  script?: RegExp;
  value?: RegExp;
  effect: Effect;
  /**
   * The option names a helper program (a compressor, a transport, a pager): a catalogued program with plain
   * options is what it is for and is not reported (it is still analysed as a command).
   */
  helper?: boolean;
}

const SSH_LIKE = ['ssh', 'scp', 'sftp', 'sshfs', 'autossh', 'check_by_ssh', 'mosh', 'rsync', 'sshpass'];
const VIM_LIKE = ['vi', 'vim', 'nvim', 'view', 'vimdiff', 'rvim', 'rview', 'ex', 'gvim', 'evim', 'vimx'];
const GCC_LIKE = ['gcc', 'g++', 'cc', 'c++', 'clang', 'clang++', 'cpp'];
const TEX = [
  'tex',
  'latex',
  'pdflatex',
  'xelatex',
  'lualatex',
  'pdftex',
  'etex',
  'luatex',
  'xetex',
  'context',
  'latexmk',
];
const IMAGEMAGICK = ['convert', 'magick', 'mogrify', 'composite', 'montage', 'identify', 'display'];
const SQLITE_LIKE = ['sqlite3', 'duckdb', 'litecli', 'sqlcipher', 'spatialite'];
const SSH_RUNS =
  /^(?:ProxyCommand|LocalCommand|KnownHostsCommand|RemoteCommand|ssh_command|ssh_cmd|ControlPath)\s*[= ]\s*(.+)$/i;

/**
 * The option table. The next program that runs what its options say is a row here, not a new function. Options
 * that name a file the program writes are rows of OUTPUT_OPTIONS (output-files.ts).
 */
export const OPTION_EFFECTS: readonly OptionRow[] = [
  // archivers
  {
    programs: ['tar', 'gtar', 'bsdtar'],
    option: /^--checkpoint-action$/,
    value: /exec=(.+)/,
    effect: 'runs',
  },
  {
    programs: ['tar', 'gtar', 'bsdtar'],
    option: /^(--use-compress-program|-I|--rsh-command)$/,
    effect: 'runs',
    helper: true,
  },
  {
    programs: ['tar', 'gtar', 'bsdtar'],
    option: /^(--to-command|--info-script|-F|--new-volume-script)$/,
    effect: 'runs',
  },
  {
    programs: ['tar', 'gtar', 'bsdtar'],
    option: /^(-f|--file)$/,
    value: /^([^/\s]*@?[^/\s]+:.+)$/,
    effect: 'connects',
  },
  { programs: ['zip'], option: /^(-TT|--unzip-command)$/, effect: 'runs' },
  { programs: ['sort'], option: /^--compress-program$/, effect: 'runs', helper: true },
  // remote copy and shells
  { programs: SSH_LIKE, option: /^-o$/, value: SSH_RUNS, effect: 'runs' },
  {
    programs: SSH_LIKE,
    option: /^-o$/,
    value: /^(?:PKCS11Provider|SecurityKeyProvider)\s*[= ]\s*(.+)$/i,
    effect: 'loads',
  },
  {
    programs: ['ssh', 'ssh-keygen', 'ssh-add', 'ssh-agent'],
    option: /^-[DPI]$/,
    value: /(\.so\b.*|\.dylib)$/,
    effect: 'loads',
  },
  { programs: ['ssh-keygen'], option: /^-D$/, effect: 'loads' },
  { programs: ['ssh-add', 'ssh-agent'], option: /^-[sP]$/, effect: 'loads' },
  { programs: ['scp', 'sftp'], option: /^-S$/, effect: 'runs', helper: true },
  { programs: ['rsync'], option: /^(-e|--rsh)$/, effect: 'runs', helper: true },
  { programs: ['rsync'], option: /^--rsync-path$/, effect: 'runs' },
  { programs: ['ssh-keyscan', 'dig', 'nslookup'], option: /^-f$/, effect: 'reads' },
  { programs: ['wc', 'du'], option: /^--files0-from$/, effect: 'reads' },
  // version control (git's settings and the commands it is given: programs/git-config-keys.ts, git-commands.ts)
  {
    programs: ['hg'],
    option: /^--config$/,
    value: /^((?:alias\.[^=]+=\s*!|hooks\.|ui\.editor|pager\.pager|ui\.ssh).*)$/i,
    effect: 'runs',
  },
  // editors, pagers, debuggers
  { programs: VIM_LIKE, option: /^(-c|--cmd|-S)$/, effect: 'runs-editor' },
  // `-u NONE` / `-u NORC` start without any start-up file; any other value is one that runs.
  { programs: VIM_LIKE, option: /^-u$/, value: /^(?!(?:NONE|NORC|DEFAULTS)$)(.+)$/, effect: 'runs-editor' },
  { programs: ['kak'], option: /^(-e|-E)$/, effect: 'runs-editor' },
  { programs: VIM_LIKE, option: /^\+(?!\d*$)(.+)$/, value: /^$/, effect: 'runs-editor' },
  {
    programs: ['emacs', 'emacsclient'],
    option: /^(--eval|-eval|--execute|-l|--load|-f|--funcall|-batch)$/,
    effect: 'runs-editor',
  },
  { programs: ['less', 'more', 'most'], option: /^\+(.*!.*)$/, value: /^$/, effect: 'runs-editor' },
  { programs: ['man'], option: /^(-P|--pager|-H|--html|--preprocessor)$/, effect: 'runs', helper: true },
  {
    programs: ['gdb', 'cgdb'],
    option: /^(-ex|--eval-command|-iex|--init-eval-command)$/,
    value: /^\s*(!.*|shell\b.*|python.*|pi\b.*|pipe\b.*|\|.*|call\s+(?:system|exec).*)$/,
    effect: 'runs',
  },
  { programs: ['gdb', 'cgdb'], option: /^(-x|--command|-ix)$/, effect: 'runs-editor' },
  {
    programs: ['lldb'],
    option: /^(-o|--one-line|-s|--source)$/,
    value: /^\s*((?:platform shell|script|!|command script).*)$/,
    effect: 'runs',
  },
  // build tools
  { programs: ['make', 'gmake', 'bmake'], option: /^(--eval|-E)$/, effect: 'runs' },
  { programs: ['make', 'gmake'], script: /^(SHELL=.+)$/, effect: 'runs' },
  { programs: GCC_LIKE, option: /^-wrapper$/, effect: 'runs' },
  { programs: GCC_LIKE, option: /^-fplugin$/, effect: 'loads' },
  { programs: GCC_LIKE, option: /^-B$/, effect: 'runs' },
  { programs: ['ld', 'ld.bfd', 'ld.gold', 'ld.lld'], option: /^--plugin$/, effect: 'loads' },
  { programs: ['cmake'], option: /^-P$/, effect: 'runs-editor' },
  { programs: ['cmake'], option: /^-D$/, value: /^(CMAKE_\w*_LAUNCHER(?::\w+)?=.+)$/, effect: 'runs' },
  { programs: ['rpm', 'rpmbuild'], option: /^(--eval|-E)$/, value: /(%\(.*|%\{?lua.*)/, effect: 'runs' },
  { programs: ['rpm'], option: /^--pipe$/, effect: 'runs' },
  // package managers
  {
    programs: ['apt', 'apt-get', 'apt-cache', 'aptitude'],
    option: /^-o$/,
    value:
      /^(\S*(?:Pre-Invoke|Post-Invoke|Pager|::Exec|Pre-Install-Pkgs|Post-Install-Pkgs|Build-Command|Diff::Command)\S*\s*=.+)$/i,
    effect: 'runs',
  },
  { programs: ['dpkg'], option: /^--(pre-invoke|post-invoke|status-logger)$/, effect: 'runs' },
  { programs: ['pip', 'pip3'], option: /^--editor$/, effect: 'runs' },
  { programs: ['gem'], option: /^(-e|--editor)$/, effect: 'runs' },
  { programs: ['npm', 'pnpm', 'yarn'], option: /^--script-shell$/, effect: 'runs' },
  {
    programs: ['npm', 'pnpm', 'yarn'],
    script: /^config set ((?:script-shell|shell|editor|git|browser|node-options)[= ](\S.*))$/,
    effect: 'runs',
  },
  // databases
  {
    programs: ['mysql', 'mariadb', 'mycli', 'mysqlsh'],
    option: /^(-e|--execute)$/,
    value: /((?:\\!|system\s).*)/i,
    effect: 'runs',
  },
  {
    programs: ['mysql', 'mariadb', 'mysqldump'],
    option: /^(--default-auth|--plugin-dir|--plugin-load\S*|--init-command)$/,
    effect: 'loads',
  },
  { programs: ['mysql', 'mariadb'], option: /^--pager$/, effect: 'runs', helper: true },
  {
    programs: ['psql'],
    option: /^(-c|--command)$/,
    value: /(\\!.*|\\o\s*\|.*|COPY\b.*PROGRAM.*)/i,
    effect: 'runs',
  },
  { programs: SQLITE_LIKE, script: /^\s*\.(?:shell|system)\s+(.+)$/m, effect: 'runs' },
  { programs: SQLITE_LIKE, script: /^\s*\.(?:output|once|save|backup)\s+(\/\S+)/m, effect: 'writes' },
  { programs: SQLITE_LIKE, script: /^\s*\.(?:load)\s+(\S+)/m, effect: 'loads' },
  { programs: SQLITE_LIKE, script: /^\s*\.(?:read|import)\s+(\/\S+)/m, effect: 'reads' },
  // SQL that loads an extension from a file (`LOAD '/tmp/x.duckdb_extension'`, `SELECT load_extension('x')`).
  {
    programs: SQLITE_LIKE,
    script: /\b(?:LOAD|load_extension\s*\()\s*['"]((?:\/|~\/|\.{1,2}\/)[^'"\s]+)/i,
    effect: 'loads',
  },
  // languages with their own command escapes
  { programs: ['m4'], script: /\b((?:esys|sys)cmd\s*\([^\n]*)/, effect: 'runs' },
  // sed's own commands: `e` runs, `r`/`R` read, `w`/`W` write; the `s` command's `e` and `w` flags too.
  // Tempered tokens (no `.*` between delimiters) keep these linear on hostile input.
  {
    programs: ['sed', 'gsed'],
    script:
      /(?:^|[;\n{}]|\d|\$|\/)\s*e\s+([^\n]+)|s([^\w\s\\])(?:(?!\2)[^\\\n]|\\.)*\2(?:(?!\2)[^\\\n]|\\.)*\2[gpIiMm\d]*e/,
    effect: 'runs',
  },
  {
    programs: ['sed', 'gsed'],
    script: /(?:^|[;\n{}]|\d|\$|\/)\s*[rR]\s*(\S[^\s;}]*)/,
    effect: 'reads',
  },
  {
    programs: ['sed', 'gsed'],
    script:
      /(?:^|[;\n{}]|\d|\$|\/)\s*[wW]\s+(\S[^\s;}]*)|s([^\w\s\\])(?:(?!\2)[^\\\n]|\\.)*\2(?:(?!\2)[^\\\n]|\\.)*\2[gpIiMm\d]*w\s+(\S+)/,
    effect: 'writes',
  },
  { programs: TEX, script: /\\(?:immediate\s*)?\\?write18\s*\{([^}]*)\}/, effect: 'runs' },
  {
    programs: TEX,
    option: /^(--shell-escape|-shell-escape|--enable-write18|-enable-write18)$/,
    value: /^$/,
    effect: 'runs-editor',
  },
  // TeX given on the command line that opens a file for writing is a program writing files, wherever to.
  { programs: TEX, script: /(\\(?:openout|newwrite)\b.*)/, effect: 'runs-editor' },
  {
    programs: TEX,
    script:
      /\\(?:input|include|verbatiminput|lstinputlisting|includegraphics|openin\s*\\?\w*\s*=?)\s*\{?\s*((?:\/|~\/)[^}\s]+)/,
    effect: 'reads',
  },
  { programs: ['dc'], script: /(!.+)/, effect: 'runs' },
  // ImageMagick's scripting coders run a file of drawing and file commands; `text:@FILE` reads FILE.
  { programs: IMAGEMAGICK, script: /^(?:msl|ephemeral|mvg):(.+)$/i, effect: 'runs-file' },
  { programs: IMAGEMAGICK, script: /^(?:text|caption|label):@(.+)$/i, effect: 'reads' },
  { programs: ['gnuplot'], script: /(?:^|[;\n])\s*!\s*(\S[^\n;]*)/, effect: 'runs' },
  { programs: ['pwsh', 'powershell'], option: /^-(?:e|ec|enc|encodedcommand)$/i, effect: 'runs-editor' },
  // Ad-hoc commands on every host of an inventory (the default module runs its argument as a command).
  { programs: ['ansible'], option: /^(-a|--args)$/, effect: 'runs' },
  { programs: ['expect'], option: /^-c$/, value: /((?:spawn|exec|system)\b.*)/, effect: 'runs' },
  { programs: ['tmate'], option: /^-c$/, effect: 'runs' },
  { programs: ['script'], option: /^(-c|--command)$/, effect: 'runs', helper: true },
  { programs: ['flock'], option: /^(-c|--command)$/, effect: 'runs', helper: true },
  { programs: ['nmap'], option: /^--script$/, effect: 'runs' },
  { programs: ['nmap'], option: /^-iL$/, effect: 'reads' },
  { programs: ['tcpdump'], option: /^-z$/, effect: 'runs' },
  {
    programs: ['openvpn'],
    option:
      /^--(up|down|route-up|route-pre-down|ipchange|client-connect|client-disconnect|learn-address|tls-verify|auth-user-pass-verify|plugin)$/,
    effect: 'runs',
  },
  { programs: ['openvpn'], option: /^--config$/, effect: 'reads' },
  {
    programs: ['certbot'],
    option: /^--(pre|post|deploy|renew|manual-auth|manual-cleanup)-hook$/,
    effect: 'runs',
  },
  {
    programs: ['busctl', 'dbus-send', 'gdbus'],
    option: /^--address$/,
    value: /(unixexec:.*)/,
    effect: 'runs',
  },
  { programs: ['yt-dlp', 'youtube-dl'], option: /^--(exec|exec-before-download)$/, effect: 'runs' },
  { programs: ['aria2c'], option: /^--on-\S+$/, effect: 'runs' },
  { programs: ['aria2c'], option: /^(-i|--input-file)$/, effect: 'reads' },
  { programs: ['xdotool'], script: /^(exec)$/, effect: 'runs' },
  { programs: ['pidstat'], option: /^-e$/, effect: 'runs' },
  { programs: ['dmsetup'], option: /^--exec$/, effect: 'runs' },
  { programs: ['fastfetch', 'neofetch'], option: /^(-c|--config)$/, effect: 'runs' },
  { programs: ['run-parts'], option: /^--regex$/, effect: 'runs' },
  { programs: ['crash', 'bpftrace'], option: /^-e$/, effect: 'runs' },
  { programs: ['ab', 'siege'], option: /^-p$/, effect: 'reads' },
  {
    programs: ['journalctl', 'systemctl', 'git', 'delta'],
    option: /^--pager$/,
    effect: 'runs',
    helper: true,
  },
  { programs: ['env'], option: /^(-S|--split-string)$/, effect: 'runs' },
];

/**
 * Options whose name alone says what they do, whatever the program (`pandoc --lua-filter=…`, `mpv --script=…`,
 * `gs -dNOSAFER`, `duckdb -unsigned`, `agent --dangerously-skip-permissions`): the next program with such an
 * option needs no row of its own.
 */
export const ANY_PROGRAM_OPTIONS: readonly OptionRow[] = [
  {
    programs: ['*'],
    option:
      /^--?(?:script|scripts|lua-filter|filter|plugin|plugins|init-file|init-script|rcfile|rc-file|load|preload|startup-script|setup-file|extension)$/,
    value:
      /^((?:\/|~\/|\.\.\/)\S*\.\w+|\S+\.(?:lua|js|mjs|cjs|ts|py|rb|pl|sh|bash|ps1|groovy|scm|rkt|lisp|clj|tcl|vim|el|php|jl|r|R))$/,
    effect: 'runs-file',
  },
  {
    programs: ['*'],
    option:
      /^--?(?:rulesdir|rules-dir|plugins?-dir|plugin-path|scripts?-dir|hooks?-dir|extensions?-dir|load-path)$/,
    value: /^((?:\/|~\/|\.\.\/)\S*)$/,
    effect: 'runs-file',
  },
  {
    programs: ['*'],
    option: /^--(?:exec|exec-command|exec-cmd|hook|[\w-]+-hook|prepare|cleanup|conclude)$/,
    effect: 'runs',
    helper: true,
  },
  {
    programs: ['*'],
    option:
      /^-(?:dNOSAFER|dDELAYSAFER|unsigned|-allow-unsigned[\w-]*|-no-sandbox|-disable-sandbox|-dangerously[\w-]*|-yolo|-unsafe-perm)$/,
    value: /^$/,
    effect: 'unsafe',
  },
];

/** Interpreters of other languages and the options that give them code on the command line. */
export const INLINE_CODE_FLAGS: Record<string, readonly string[]> = {
  erl: ['-eval'],
  elixir: ['-e', '--eval'],
  iex: ['-e', '--eval'],
  scala: ['-e'],
  groovy: ['-e'],
  kotlin: ['-e'],
  clojure: ['-e', '--eval'],
  clj: ['-e', '--eval'],
  ghc: ['-e'],
  ghci: ['-e'],
  racket: ['-e', '--eval'],
  guile: ['-c'],
  sbcl: ['--eval'],
  clisp: ['-x'],
  ecl: ['-eval'],
  R: ['-e'],
  Rscript: ['-e'],
  julia: ['-e', '-E', '--eval', '--print'],
  octave: ['--eval'],
  'octave-cli': ['--eval'],
  pwsh: ['-c', '-Command', '-command'],
  powershell: ['-c', '-Command', '-command'],
  jrunscript: ['-e'],
  bun: ['-e', '--eval', '-p', '--print'],
  gnuplot: ['-e'],
};
