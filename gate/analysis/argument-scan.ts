import type { Call } from './call.js';
import { isWebRoute, RUNS_COMMAND, SHELL_PATH } from './code-idioms.js';
import { report } from './context.js';
import { touch } from './effects.js';
import { judgeListening } from './listeners.js';
import { hostOf, judgeHost } from './network.js';
import { notAPath } from './not-paths.js';
import { writtenOperand } from './operand-shapes.js';
import { classifyPath, isSecretFileName, type Zone } from './paths.js';
import { UNKNOWN } from './script.js';

/**
 * Behaviour read from the arguments alone, whatever the program: a shell or interpreter handed over to be
 * run, a shared library to load, a remote endpoint, a listening address. This is what catches the program
 * nobody modelled yet (`aa-exec /bin/sh`, `ssh-keygen -D lib.so`, `finger x@host`, `php -S 0.0.0.0:80`).
 */

/** An interpreter (absolute path) inside an argument. */
const INTERPRETER_PATH =
  /(?:^|[\s=:!,;'"(|&{`])((?:\/usr)?(?:\/local)?\/s?bin\/(?:python[\d.]*|perl[\d.]*|ruby[\d.]*|node|nodejs|php[\d.]*|lua[\d.]*|tclsh[\d.]*|expect|busybox|env))(?=$|[\s,;'")|&}#<>])/;
/** A bare shell named as a command inside a longer argument: `sh -c`, `bash -i`, `exec sh`, `!sh`. */
const SHELL_WORD =
  /(?:^|[\s=:;'"(|&{`!]|\bexec\s+)((?:ba|da|z|k|c|tc|a|fi)?sh)(?:\s+-[a-z]*[ci]\b|\s*(?:$|[<>'";|&)]|\s+\d?[<>]&?))/;
/** Code that runs commands, in any argument (see code-idioms.ts). */
const CODE_RUNS = RUNS_COMMAND;
/** A shared library or plugin named as an argument. */
const LIBRARY = /(?:^|[\s=:,'"])([^\s=:,'"]*\.(?:so(?:\.\d+)*|dylib|dll))(?=$|[\s,'"])/;
/** An address that listens on every interface. */
const LISTEN_ALL = /(?:^|[\s=:])(0\.0\.0\.0(?::\d+)?|\[::\](?::\d+)?|:::\d+|\*:\d+)(?=$|[\s/])/;
/** `user@host.tld` (not an email inside a sentence: the whole argument). */
const USER_AT_HOST = /^[\w.+-]+@((?:[a-z0-9-]+\.)+[a-z]{2,}|\d+\.\d+\.\d+\.\d+)(?::\S*)?$/i;
/** `host:port` with a numeric port, as a whole argument or an option's value. */
const HOST_PORT = /^(?:[\w-]+=)?((?:[a-z0-9-]+\.)+[a-z]{2,}|\d+\.\d+\.\d+\.\d+):(\d{1,5})(?:\/\S*)?$/i;
/** A URL anywhere in an argument (`rest:http://host:1/x`, `--url=https://...`). */
const URL_IN = /\b([a-z][a-z0-9+.-]*):\/\/(?:[^@/\s'"]*@)?(\[[^\]]+\]|[^/:?#\s'"]*)/i;

/** Programs whose arguments are another command line, analysed by running it. */
const ARGV_RUNNERS = new Set([
  'xargs',
  'parallel',
  'watch',
  'find',
  'nohup',
  'time',
  'timeout',
  'nice',
  'env',
  'sudo',
  'doas',
]);
/** Shells: after `-c CMD`, their words are positional parameters (`sh -c '...' sh {}`), not commands. */
const SHELLS = /^(sh|bash|zsh|dash|ksh|mksh|ash|fish|csh|tcsh|yash|elvish)$/;

/**
 * Programs whose arguments are data rather than things to run (`ls -l /bin/sh`, `grep '/bin/bash'
 * /etc/passwd`, `echo sh -c x`): a shell path among their arguments is not handed over to be run.
 */
export const DATA_ARGS = new Set([
  'ls',
  'file',
  'stat',
  'which',
  'type',
  'whereis',
  'command',
  'readlink',
  'realpath',
  'ldd',
  'strings',
  'grep',
  'egrep',
  'fgrep',
  'rg',
  'ag',
  'echo',
  'printf',
  'alias',
  'yes',
  'tr',
  'test',
  '[',
  '[[',
  'man',
  'info',
  'whatis',
  'apropos',
  'help',
  'md5sum',
  'sha1sum',
  'sha256sum',
  'sha512sum',
  'cksum',
  'diff',
  'cmp',
  'du',
  'wc',
  'head',
  'tail',
  'cat',
  'less',
  'more',
  'hexdump',
  'xxd',
  'od',
  'objdump',
  'readelf',
  'nm',
  'size',
  'cp',
  'mv',
  'ln',
  'chsh',
  'pgrep',
  'pkill',
  'killall',
  'pidof',
  'ps',
  'git',
  'tldr',
  'sed',
  'awk',
  'gawk',
  'mawk',
  'jq',
  'column',
  'sort',
  'tr',
  'cut',
  'basename',
  'dirname',
  'touch',
  'mkdir',
  'rm',
  'chmod',
  'chown',
  'find',
  'locate',
  'tar',
  'zip',
  'unzip',
  'gcc',
  'cc',
  'clang',
  'ld',
  'strip',
  'patchelf',
  'install',
  'docker',
  'podman',
]);

/** Programs that legitimately take libraries as arguments (linkers, inspectors, copies). */
const LIBRARY_ARGS =
  /^(gcc|g\+\+|cc|c\+\+|clang|clang\+\+|ld|ld\.\w+|lld|ar|nm|objdump|readelf|ldd|file|strip|patchelf|otool|install_name_tool|cp|mv|ln|ls|rm|stat|strings|size|cmake|make|ninja|tar|zip|unzip|chmod|chown|find|du|md5sum|sha\d+sum|git|rsync|scp|docker|podman|upx)$/;

/** Programs whose own handler already judges the hosts they reach (ssh-keygen reaches none: `-C` is a comment). */
export const NET_MODELLED =
  /^(curl|wget|http|https|xh|ssh|ssh-keygen|scp|sftp|sshpass|ftp|rsync|nc|ncat|netcat|socat|telnet|ping|ping6|dig|host|nslookup|git|npm|pnpm|yarn|pip|pip3|uv|cargo|go|gem|docker|podman|kubectl|helm|gh|glab|aws|gcloud|az|nmap|masscan|zmap|traceroute|mtr|whois|openssl)$/;

/** Code that serves the network: `http.server`, `createServer`, `.listen(`, `TCPServer`. */
const SERVES =
  /\bhttp\.server\b|SimpleHTTPServer|socketserver|\bTCPServer\b|\bcreateServer\s*\(|\.listen\s*\(|WEBrick|\bbind\s*\(\s*\(|IO::Socket::INET[^;]*Listen|\bServerSocket\b/;

/** Options whose value is a file the program writes. */
const OUTPUT_OPTION =
  /^(-o|-O|-out|--output|--out|--outfile|--outFile|--out-file|--output-file|--output-dir|--outdir|--outDir|--out-dir|--log-file|--logfile|--log|--dump|--save|--write|--target|--dest|--destination)$/;
/** Options whose value is a search directory, not a file the program reads out. */
const SEARCH_DIR_OPTION =
  /^(-I|-L|-isystem|-iquote|-F|-B|--include-dir|--lib-dir|--prefix|--sysroot|-rpath)$/;
/**
 * Programs whose path-like arguments are not local files (patterns, remote or container paths, URLs) or are
 * already judged by their handler.
 */
const NOT_LOCAL_PATHS =
  /^(echo|printf|yes|tr|parallel|read|alias|ldd|screen|tmux|grep|egrep|fgrep|rgrep|zgrep|rg|ag|ack|sed|gsed|awk|gawk|mawk|nawk|test|\[|\[\[|expr|git|docker|podman|nerdctl|kubectl|helm|ssh|scp|sftp|rsync|curl|wget|http|find|locate|which|type|command|whereis|export|declare|local|set|unset|alias|cd|pushd|popd|source|\.|ls|tree|du|df|stat|file|readlink|realpath|basename|dirname|mkdir|rmdir|touch|ln|cp|mv|rm|chmod|chown|chgrp|tar|zip|unzip|7z|gzip|gunzip|cat|head|tail|less|more|vi|vim|nano|emacs|kill|pkill|pgrep|mount|umount|xargs|env|sudo|nohup|timeout|watch|time|nice|make|cmake|npm|pnpm|yarn|npx|node|python|python3|pip|pip3|cargo|go|ruby|perl|php|bash|sh|zsh|dash)$/;

/** Programs and the secret files that are theirs to use. */
const OWN_KIND: [RegExp, RegExp][] = [
  [
    /^(ssh|ssh-keygen|ssh-add|scp|sftp|openssl|gpg|gpg2|keytool|step|certutil|age|minisign|signify|cosign)$/,
    /\.(pem|key|p12|pfx|jks|keystore|crt|cer)$|(^|\/)id_\w+$/i,
  ],
  [/^(terraform|tofu|terragrunt)$/, /\.tfstate(\.backup)?$/],
  // Encrypting a project's secrets is what these are for; decrypting one prints it (credentials.ts).
  [
    /^(sops|ansible-vault)$/,
    /(^|\/)(secrets?|credentials?)[\w.-]*\.(ya?ml|json|env|ini|toml)$|(^|\/)\.env(\.\w+)?$/,
  ],
];

/** Zones a relative argument of an unknown program is judged in: secrets, and places that run what is written. */
const GUARDED_ZONES = new Set<Zone>([
  'ssh-key',
  'secret',
  'password-db',
  'history',
  'browser',
  'keychain',
  'shell-rc',
  'git-hook',
  'exec-config',
  'env-script',
  'project-secret',
  'agent-secret',
  'agent-config',
  'python-startup',
  'sensitive',
]);

/**
 * Paths among the arguments of a program whose handler does not already judge them (absolute ones, and
 * relative ones leading somewhere guarded): a path after an output option is written, any other is read
 * (`rustc /x`, `nm /x`, `shuf -o /x`, `as @/x`, `base32 .env`).
 */
export function scanPathArguments(c: Call): void {
  if (NOT_LOCAL_PATHS.test(c.name)) return;
  const seen = new Set(c.ctx.facts.paths.map((p) => p.path));
  for (let i = 0; i < c.args.length; i++) {
    const raw = c.args[i] ?? '';
    const prev = c.args[i - 1] ?? '';
    let option = '';
    let value = raw;
    const eq = /^(--?[\w-]+)=(.*)$/.exec(raw);
    if (eq) {
      option = eq[1] ?? '';
      value = eq[2] ?? '';
    } else if (prev.startsWith('-')) option = prev;
    value = value.replace(/^@/, '');
    if (value.startsWith('//')) continue;
    if (!/^(\/|~\/)[^\s]*[\w.]/.test(value) || value.includes(UNKNOWN)) {
      // A relative name counts where it leads somewhere guarded (`base32 .env`, `hd id_rsa` after `cd ~/.ssh`,
      // `zstd -d x -o .claude/settings.json`), and so does a name with a part known only at run time
      // (`base32 /home/$USER/.ssh/id_rsa`): the program is unknown, the place is not.
      if (!/^[\w.~*?[/-][^\s]*$/.test(value.replaceAll(UNKNOWN, 'x')) || seen.has(value)) continue;
      // In the workspace itself only a dotted name, a path or a key's name can lead somewhere guarded: the rest
      // (most words of most commands) need no classifying.
      if (c.cwd === undefined && !/[./*?[]|^id_/.test(value) && !value.includes(UNKNOWN)) continue;
      let zone = classifyPath(value, { workspace: c.ctx.workspace, cwd: c.cwd }).zone;
      // From a directory known only at run time (`cd -`, `cd "$OLDPWD"`), a secret's name is still that.
      if (zone === 'unknown' && isSecretFileName(value.slice(value.lastIndexOf('/') + 1)))
        zone = 'project-secret';
      // A bare word is a subcommand as often as a file (`gh secret list`): in the project it needs a dot or a slash.
      if (!GUARDED_ZONES.has(zone) || (zone === 'project-secret' && !/[./]|^id_/.test(value))) continue;
      // A key or a state file handed to the program that uses it (`ssh -i ./id.pem`, `openssl x509 -in c.pem`,
      // `terraform show x.tfstate`) is used, not read out; the same program given `.env` is.
      if (zone === 'project-secret' && OWN_KIND.some(([p, f]) => p.test(c.name) && f.test(value))) continue;
    } else if (SEARCH_DIR_OPTION.test(option)) continue;
    // Installed programs and libraries are public: inspecting them reads nothing private.
    if (/^\/(usr|bin|sbin|lib\w*|opt)\//.test(value) && !OUTPUT_OPTION.test(option)) continue;
    if (seen.has(value) || notAPath(c, i, option, value)) continue;
    const writes = OUTPUT_OPTION.test(option) || (!DATA_ARGS.has(c.name) && writtenOperand(c, value));
    touch(c.ctx, value, writes ? 'write' : 'read', c.cwd);
  }
}

/** Scans every argument of one call for behaviour that does not depend on knowing the program. */
export function scanArguments(c: Call): void {
  judgeListening(c);
  // Their arguments are a command, analysed where it runs (`xargs grep ksh`, `watch lynx URL`); a shell
  // path among them still says a shell is run with whatever items come in (`xargs -a /dev/null /bin/sh`).
  if (ARGV_RUNNERS.has(c.name)) {
    for (let i = 0; i < c.args.length; i++) {
      const a = c.args[i] ?? '';
      // find runs only the word after -exec; the words after it are that program's arguments (a pattern).
      if (c.name === 'find' && !/^-(exec|execdir|ok|okdir)$/.test(c.args[i - 1] ?? '')) continue;
      const shell = SHELL_PATH.exec(a);
      if (shell && shell[1] === a) report(c.ctx, 'exec.shell-arg', a);
    }
    return;
  }
  const data = DATA_ARGS.has(c.name);
  const isShell = SHELLS.test(c.name);
  for (let i = 0; i < c.args.length; i++) {
    const raw = c.args[i] ?? '';
    if (raw.length > 4000) continue;
    const arg = raw.replaceAll(UNKNOWN, '$X');
    // `xargs sh -c 'cmd'`: the shell's command string is analysed where the shell runs, like any command.
    const givenScript =
      isShell ||
      /^-[a-zA-Z]*c[a-zA-Z]*$/.test(c.args[i + 1] ?? '') ||
      /^(completions?|-s|--shell)$/.test(c.args[i - 1] ?? '');
    if (!data) {
      const shell = SHELL_PATH.exec(arg) ?? (givenScript && /^\w+$/.test(arg) ? null : SHELL_WORD.exec(arg));
      if (shell) report(c.ctx, 'exec.shell-arg', shell[1] === arg ? arg : `${shell[1]} in ${clip(arg)}`);
      const interp = INTERPRETER_PATH.exec(arg);
      if (interp)
        report(c.ctx, 'exec.interpreter-arg', interp[1] === arg ? arg : `${interp[1]} in ${clip(arg)}`);
      const code = CODE_RUNS.exec(arg);
      if (code) report(c.ctx, 'exec.interpreter-arg', `${code[0].trim()} in ${clip(arg)}`);
      const serves = SERVES.exec(arg);
      if (serves) report(c.ctx, 'net.listen', `${serves[0].trim()} in ${clip(arg)}`);
      // A quoted absolute path inside code (`open("/x")`, `File.read('/x')`) is a file the code touches; a web
      // route (`'/api/tokens'`) is not.
      if (arg.length > 1 && /[(;{]/.test(arg))
        for (const m of arg.matchAll(/(['"])((?:\/|~\/)[^'"\s]+)\1/g))
          if (!isWebRoute(arg, m.index ?? 0, m[2] ?? '')) touch(c.ctx, m[2] ?? '', 'read', c.cwd);
    }
    if (!LIBRARY_ARGS.test(c.name)) {
      const lib = LIBRARY.exec(arg);
      if (lib && !data) report(c.ctx, 'exec.library-load', clip(lib[1] ?? arg));
    }
    const listen = LISTEN_ALL.exec(arg);
    if (listen && !data) report(c.ctx, 'net.listen', `${c.name} ${clip(arg)}`);
    if (!NET_MODELLED.test(c.name) && !data && !listen) endpoint(c, arg);
  }
}

function endpoint(c: Call, arg: string): void {
  const url = URL_IN.exec(arg);
  let host: string | undefined;
  if (url) {
    if ((url[1] ?? '').toLowerCase() === 'file') {
      const path = arg.slice((url.index ?? 0) + url[0].length - (url[2]?.length ?? 0)).replace(/^[^/]*/, '');
      if (path) touch(c.ctx, path, 'read', c.cwd);
      return;
    }
    // A bucket's URL (`s3://b`, `gs://b`) names the bucket: the client talks to its provider's endpoint.
    if (BUCKET_SCHEME.test(url[1] ?? '')) return;
    host = (url[2] ?? '').toLowerCase();
  } else {
    const at = USER_AT_HOST.exec(arg);
    const hp = at ? undefined : HOST_PORT.exec(arg);
    host = (at?.[1] ?? hp?.[1])?.toLowerCase();
    if (!host) {
      const scp = arg.includes('@') ? hostOf(arg) : null;
      if (scp && /^[^/\s]+@[^/\s]+:/.test(arg)) host = scp.host;
    }
  }
  if (host === undefined || host.includes('$')) return;
  c.ctx.facts.hosts.push(host);
  if (judgeHost(host, c.ctx.hosts) !== 'allowed')
    report(c.ctx, 'net.remote-endpoint', `${c.name} ${clip(arg)}`);
}

const BUCKET_SCHEME = /^(?:s3|s3a|s3n|gs|gcs|az|abfss?|wasbs?|r2|b2|oss|cos|swift|minio)$/i;
const clip = (s: string) => (s.length > 80 ? `${s.slice(0, 80)}…` : s);
