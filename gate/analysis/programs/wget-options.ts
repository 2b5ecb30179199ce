import { splitClusters } from '../call.js';

/*
 * wget's command line as the wget handler reads it: short-flag clusters spelled out (`-qO ~/.bashrc`) and each
 * wgetrc command given with `-e`/`--execute` turned into the option it stands for (`-e post_file=~/.ssh/id_rsa`
 * is `--post-file=~/.ssh/id_rsa`), so an upload or a write said that way is judged like the option itself.
 */

/** wget's short flags that take a value. */
const WGET_VALUE_LETTERS = 'OPoaeUtTiBwQlARDIXY';

/** What `-e http_proxy=…` becomes: a name no wget option has. */
export const WGETRC_PROXY = '--wgetrc-proxy';

/** wgetrc command names (case, `_` and `-` ignored, as wget does) and the options they stand for. */
const WGETRC_OPTIONS: Record<string, string> = {
  postfile: '--post-file',
  postdata: '--post-data',
  bodyfile: '--body-file',
  bodydata: '--body-data',
  outputdocument: '--output-document',
  dirprefix: '--directory-prefix',
  header: '--header',
  method: '--method',
  // Files wget writes (its log, the cookies and HSTS entries the server sent, a WARC of the traffic) or reads
  // (the URL list, whose lines go out after `base`).
  logfile: '--output-file',
  savecookies: '--save-cookies',
  hstsfile: '--hsts-file',
  warcfile: '--warc-file',
  input: '--input-file',
  base: '--base',
  loadcookies: '--load-cookies',
  // No option of its own: the handler judges it as a reroute (wget has only `--no-proxy`).
  httpproxy: WGETRC_PROXY,
  httpsproxy: WGETRC_PROXY,
  ftpproxy: WGETRC_PROXY,
};

/** The option a wgetrc command `name=value` stands for, or undefined for one the gate does not model. */
function wgetrcOption(command: string): string | undefined {
  const m = /^\s*([A-Za-z_-]+)\s*=\s*(.*)$/s.exec(command);
  if (!m) return undefined;
  const option = WGETRC_OPTIONS[(m[1] as string).toLowerCase().replace(/[-_]/g, '')];
  return option && `${option}=${(m[2] as string).trim()}`;
}

/** wget's arguments with clusters split and `-e` commands the gate models given as their options. */
export function wgetArgs(args: readonly string[]): string[] {
  const split = splitClusters(args, WGET_VALUE_LETTERS);
  const out: string[] = [];
  for (let i = 0; i < split.length; i++) {
    const a = split[i] as string;
    if (a === '--') {
      out.push(...split.slice(i));
      break;
    }
    const inline = a.startsWith('--execute=')
      ? a.slice('--execute='.length)
      : a.startsWith('-e') && a.length > 2 && !a.startsWith('--')
        ? a.slice(2)
        : undefined;
    const command = inline ?? (a === '-e' || a === '--execute' ? split[i + 1] : undefined);
    if (command === undefined) {
      out.push(a);
      continue;
    }
    if (inline === undefined) i++;
    out.push(wgetrcOption(command) ?? `--execute=${command}`);
  }
  return out;
}
