/** Secrets hidden from every sandbox, relative to each home directory (the policy adds more). */
export const HIDDEN_IN_HOME = [
  '.ssh',
  '.aws',
  '.config/gcloud',
  '.kube',
  '.docker',
  '.netrc',
  '.git-credentials',
  '.npmrc',
  '.pypirc',
  '.gnupg',
  '.config/gh',
  '.azure',
  // Ward's span spool (past commands of every project). ~/.ward itself stays visible, read-only like the
  // rest of home, so a hook running inside `ward run` still sees the user's policy.
  '.ward/spool',
] as const;

/** Absolute paths hidden from every sandbox. /run holds host daemons' sockets (docker, dbus). */
export const HIDDEN_ABSOLUTE = ['/etc/shadow', '/etc/gshadow', '/etc/sudoers', '/run', '/var/run'] as const;

/**
 * Paths kept read-only inside every writable root, so a command cannot weaken its own guard or plant
 * code that runs later outside the sandbox (shell rc files, Ward's own policy; git's metadata is guarded
 * by git-guard.ts).
 */
export const READ_ONLY_IN_WRITABLE = [
  '.ward',
  'ward.yaml',
  'ward.yml',
  'ward.json',
  '.bashrc',
  '.bash_profile',
  '.bash_login',
  '.profile',
  '.zshrc',
  '.zprofile',
  '.zshenv',
  '.envrc',
] as const;
