import type { RuleId } from '../taxonomy/rules.js';
import { type AnalysisContext, report } from './context.js';
import { guardedByPattern } from './guarded-patterns.js';
import { classifyPath, isSecretFileName, secretUnder, type Zone } from './paths.js';
import { display, UNKNOWN } from './script.js';

/** How a command touches a path. `meta` = names and sizes only (find, stat, du). */
export type Access = 'read' | 'list' | 'meta' | 'write' | 'delete' | 'exec';

const READ_RULES: Partial<Record<Zone, RuleId>> = {
  'password-db': 'read.password-db',
  'ssh-key': 'read.ssh-key',
  history: 'read.history',
  browser: 'read.browser',
  keychain: 'read.keychain',
  secret: 'read.secret',
  sudoers: 'read.secret',
  sensitive: 'read.sensitive',
  logs: 'read.sensitive',
  pam: 'read.sensitive',
  kernel: 'read.sensitive',
  device: 'read.sensitive',
  cron: 'read.system',
  service: 'read.system',
  system: 'read.system',
  'root-dir': 'read.system',
  outside: 'read.outside',
  'project-secret': 'read.project-secret',
  'env-script': 'read.project-secret',
  'agent-secret': 'read.agent-credentials',
};

const WRITE_RULES: Partial<Record<Zone, RuleId>> = {
  temp: 'write.temp',
  home: 'write.home',
  outside: 'write.outside',
  unknown: 'write.unknown',
  system: 'write.system',
  'root-dir': 'write.system',
  sensitive: 'write.system',
  secret: 'write.system',
  keychain: 'write.system',
  browser: 'write.system',
  'ssh-key': 'persist.account',
  'password-db': 'persist.account',
  'shell-rc': 'persist.shell-rc',
  cron: 'persist.cron',
  service: 'persist.service',
  pam: 'persist.pam',
  sudoers: 'priv.sudoers',
  logs: 'evade.logs',
  history: 'evade.history',
  'git-hook': 'persist.git-hook',
  'exec-config': 'persist.exec-config',
  'env-script': 'persist.exec-config',
  'agent-secret': 'evade.disable-security',
  'agent-config': 'evade.disable-security',
  public: 'write.outside',
  'python-startup': 'persist.python-startup',
  kernel: 'write.proc',
  device: 'destroy.disk-write',
};

const DELETE_RULES: Partial<Record<Zone, RuleId>> = {
  ...WRITE_RULES,
  temp: 'write.temp',
  home: 'destroy.delete-home',
  unknown: 'destroy.delete-unknown',
  outside: 'destroy.delete-outside',
  system: 'destroy.delete-system',
  'root-dir': 'destroy.delete-system',
  sensitive: 'destroy.delete-system',
  secret: 'destroy.delete-system',
  'shell-rc': 'destroy.delete-system',
  'git-meta': 'destroy.git-metadata',
  // Removing an editor's or CI's configuration plants nothing.
  'exec-config': undefined,
};

/** Under the home directory: places programs read as configuration or run as code. */
const HOME_CONFIG =
  /^(~[^/]*|\/home\/[^/]+|\/Users\/[^/]+|\/root)(\/?$|\/(bin|sbin|lib|Library)(\/|$)|\/(.*\/)?(\.[^/]+|node_modules|site-packages)(\/|$))/;

/** Mount points of the user's data volumes (USB disks, network shares, second drives). */
const DATA_VOLUMES = /^\/(media|mnt|Volumes|run\/media)\/[^/]+\/./;

/**
 * The home directory's program directories that shells put on PATH (`~/.local/bin`, `~/bin`, `~/.cargo/bin`, …): a
 * program written there runs in place of any command of the same name (`~/.local/bin/git`, `sudo`) from then on;
 * the directory itself is written by what saves or extracts into it (`curl -O --output-dir`, `tar -C`).
 */
const HOME_PATH_PROGRAM =
  /^(~[^/]*|\/home\/[^/]+|\/Users\/[^/]+|\/root)\/(bin|\.local\/bin|\.cargo\/bin|go\/bin|\.npm-global\/bin|\.bun\/bin|\.deno\/bin|\.volta\/bin|\.yarn\/bin|\.pyenv\/shims|\.rbenv\/shims|\.nvm\/versions\/node\/[^/]+\/bin)(\/[^/]+)?\/?$/;

const SYSTEM_BIN = /^\/(usr\/(local\/)?)?s?bin\/|^\/opt\/homebrew\/bin\/|^\/usr\/libexec\//;

/** Records what touching `raw` in this way means for risk. Returns the zone for callers that care. */
export function touch(
  ctx: AnalysisContext,
  raw: string,
  access: Access,
  cwd?: string,
  recursive = false,
): Zone {
  const { zone, path } = classifyPath(raw, { workspace: ctx.workspace, cwd });
  // A pattern that a removal, or a write naming it (`.clau?e/settings.json`, not `.[^.]*`), expands to a guarded
  // place is judged as that place too.
  const named = (raw.split('/').pop() ?? '').replace(/\[[^\]]*\]|[*?.]/g, '').length >= 2;
  if (access === 'delete' || (access === 'write' && named))
    for (const hit of guardedByPattern(raw, { workspace: ctx.workspace, cwd }).slice(0, 4))
      touch(ctx, hit, access, cwd, recursive);
  const shown = display(path);
  ctx.facts.paths.push({
    path,
    access: access === 'read' || access === 'list' || access === 'meta' ? 'read' : 'write',
    ...(access === 'exec' ? { ran: true as const } : {}),
  });
  switch (access) {
    case 'read':
    case 'list': {
      let rule = READ_RULES[zone];
      if (zone === 'shell-rc' && /^\/(root|etc)\b/.test(path)) rule = 'read.sensitive';
      // SSH's public halves, known hosts and client config are read to fix a connection; they hold no key.
      if (zone === 'ssh-key' && /\/(known_hosts(\.old)?|config|authorized_keys|[^/]+\.pub)$/.test(path))
        rule = undefined;
      if (zone === 'root-dir' && recursive) rule = 'read.whole-fs';
      // A named file outside the workspace is read; a listing, a recursive search or the files a search
      // found there (`find /data -exec grep`) are searches, judged by where they look, not each file.
      if (
        rule === 'read.outside' &&
        (access === 'list' || recursive || path.endsWith('*') || /^\/usr\//.test(path))
      )
        rule = undefined;
      // The user's data volumes are read like the home directory: by where secrets are, not at all.
      if (rule === 'read.outside' && DATA_VOLUMES.test(path)) rule = undefined;
      // Names of a project's secret files say nothing; their contents do.
      if (access === 'list' && (zone === 'project-secret' || zone === 'env-script')) rule = undefined;
      // Another project's secrets file, named (`cat ../other/.env`): as secret as this project's own.
      if (
        access === 'read' &&
        !recursive &&
        (zone === 'home' || zone === 'outside' || zone === 'public' || zone === 'unknown') &&
        isSecretFileName(path.slice(path.lastIndexOf('/') + 1))
      )
        rule = 'read.project-secret';
      if (rule) report(ctx, rule, `${access === 'list' ? 'lists' : 'reads'} ${shown}`);
      // Reading every file of a tree reads the secrets kept in it (`grep -r x ~`, `find ~ -exec cat`).
      const kept = recursive && access === 'read' && zone !== 'workspace' ? secretUnder(path) : undefined;
      if (kept)
        report(ctx, 'read.secret-tree', `reads every file under ${shown}, ${display(kept)} among them`);
      break;
    }
    case 'meta': {
      const rule = READ_RULES[zone];
      if (rule && rule !== 'read.system' && rule !== 'read.sensitive' && rule !== 'read.outside')
        report(ctx, 'search.secrets', `searches ${shown}`);
      break;
    }
    case 'write': {
      let rule = WRITE_RULES[zone];
      // The user's documents under ~ are data; dotfiles, dot-directories, bin directories and node_modules
      // are what programs read as configuration or run as code, and ask.
      if (zone === 'home' && !HOME_CONFIG.test(path)) rule = 'write.home-data';
      else if (zone === 'home' && HOME_PATH_PROGRAM.test(path)) rule = 'persist.path-program';
      // Removable and mounted data volumes hold the user's files the same way.
      if (zone === 'outside' && DATA_VOLUMES.test(path)) rule = 'write.home-data';
      if (rule) report(ctx, rule, `writes ${shown}`);
      break;
    }
    case 'delete': {
      let rule = DELETE_RULES[zone];
      if ((zone === 'root-dir' || /^(~|\/)(\/\*)?$|^~\/\*$/.test(path)) && recursive)
        rule = 'destroy.rm-root';
      if (rule) report(ctx, rule, `deletes ${shown}`);
      break;
    }
    case 'exec': {
      if (zone === 'workspace') break;
      if (raw.includes(UNKNOWN) && !raw.startsWith(UNKNOWN)) {
        report(ctx, 'exec.outside-binary', `runs ${shown}`);
      } else if (zone === 'unknown') {
        report(ctx, 'exec.dynamic', `runs a program named at run time`);
      } else if (!SYSTEM_BIN.test(path)) {
        report(ctx, 'exec.outside-binary', `runs ${shown}`);
      }
      break;
    }
  }
  return zone;
}
