/**
 * What git commands say about remotes, read from a command's words: the remotes they point somewhere
 * (`git remote add`, `git remote set-url [--push]`, `git config remote.<name>.url|pushurl`) and where they push.
 * For exfil.push-redirected-remote.
 */

/** A remote a command pointed at a URL: a new one (`add`), or one whose URL it changed (`set`). */
export interface RemoteSet {
  name: string;
  url: string;
  how: 'add' | 'set';
}

/** A push: to a remote by name, or to a URL typed in its place. */
export type PushTarget = { remote: string } | { url: string };

/** git's global options that take a value (`git -C dir push`). */
const GLOBAL_VALUE = new Set(['-C', '-c', '--git-dir', '--work-tree', '--namespace', '--exec-path']);
/** push options that take a value. */
const PUSH_VALUE = new Set(['--repo', '--receive-pack', '--exec', '-o', '--push-option']);
const REMOTE_KEY = /^remote\.(.+)\.(url|pushurl)$/i;

/** Each git invocation among the words: its subcommand and the words after it (up to the next program run). */
function gitCalls(argv: readonly string[]): { sub: string; rest: string[] }[] {
  const out: { sub: string; rest: string[] }[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (!/(^|\/)git$/.test(argv[i] as string)) continue;
    let j = i + 1;
    while (j < argv.length && (argv[j] as string).startsWith('-'))
      j += GLOBAL_VALUE.has(argv[j] as string) ? 2 : 1;
    const sub = argv[j];
    if (sub === undefined) break;
    let end = j + 1;
    while (end < argv.length && !/(^|\/)git$/.test(argv[end] as string)) end++;
    out.push({ sub, rest: argv.slice(j + 1, end) });
    i = end - 1;
  }
  return out;
}

const operands = (words: readonly string[], valued = new Set<string>()) => {
  const out: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i] as string;
    if (w === '--') return [...out, ...words.slice(i + 1)];
    if (w.startsWith('-')) {
      if (valued.has(w)) i++;
      continue;
    }
    out.push(w);
  }
  return out;
};

/** The remotes the words point at a URL. */
export function remotesSet(argv: readonly string[]): RemoteSet[] {
  const out: RemoteSet[] = [];
  for (const { sub, rest } of gitCalls(argv)) {
    if (sub === 'remote') {
      const [verb, name, url] = operands(rest, new Set(['-t', '-m']));
      if ((verb === 'add' || verb === 'set-url') && name && url)
        out.push({ name, url, how: verb === 'add' ? 'add' : 'set' });
    } else if (sub === 'config') {
      const [key, url] = operands(rest, new Set(['--file', '-f', '--type']));
      const name = key ? REMOTE_KEY.exec(key)?.[1] : undefined;
      if (name && url) out.push({ name, url, how: 'set' });
    }
  }
  return out;
}

/** Where the words push (`git push` alone pushes to origin, as a clone's branch tracks it). */
export function pushTargets(argv: readonly string[]): PushTarget[] {
  const out: PushTarget[] = [];
  for (const { sub, rest } of gitCalls(argv)) {
    if (sub !== 'push') continue;
    const repo = rest.find((w) => w.startsWith('--repo='))?.slice(7);
    const to = repo ?? operands(rest, PUSH_VALUE)[0] ?? 'origin';
    out.push(repoKey(to) ? { url: to } : { remote: to });
  }
  return out;
}

/**
 * A repository URL as host/owner/name, lowercased, without scheme, credentials or `.git` (`git@github.com:a/b.git`
 * and `https://x@github.com/a/b` are both `github.com/a/b`); undefined for what is not a URL (a local path, a name).
 */
export function repoKey(url: string): string | undefined {
  const u = url.trim().toLowerCase();
  const scheme = /^[a-z][\w+.-]*:\/\/(?:[^@/]*@)?([^/]+)\/(.+)$/.exec(u);
  const scp = scheme ? undefined : /^(?:[^@/\s]+@)?([^/:\s]+):(?!\/)(.+)$/.exec(u);
  const m = scheme ?? scp;
  const host = m?.[1]?.replace(/:\d+$/, '');
  // A host has dots (or is localhost, or an IPv6 literal): `a:b` alone is no URL.
  if (!m || !host || !(host.includes('.') || host === 'localhost' || host.startsWith('['))) return undefined;
  const path = (m[2] as string).replace(/\/+$/, '').replace(/\.git$/, '');
  return `${host}/${path}`;
}
