import { UNKNOWN } from './script.js';

/** Hosts of paste sites, webhooks and file drops: sending data there is exfiltration (T1567). */
const WEB_SERVICES =
  /(^|\.)(paste\.rs|pastebin\.com|hastebin\.com|ghostbin\.|transfer\.sh|file\.io|0x0\.st|termbin\.com|webhook\.site|requestbin|pipedream\.net|ngrok\.io|ngrok-free\.app|hooks\.slack\.com|discord(app)?\.com)$/i;

export interface Destination {
  /** Lower-cased host, '' when it is only known at run time. */
  host: string;
  url: string;
}

/** Extracts the destination host of a URL, `user@host:path` or bare host argument. */
export function hostOf(arg: string): Destination | null {
  if (arg.startsWith('-')) return null;
  const url = /^([a-z][a-z0-9+.-]*):\/\/(?:[^@/]*@)?(\[[^\]]+\]|[^/:?#]*)/i.exec(arg);
  if (url) return { host: unknownOr(url[2] ?? ''), url: arg };
  const scp = /^(?:[^@/\s]+@)?([a-z0-9.-]+):(?!\/\/)/i.exec(arg.replaceAll(UNKNOWN, 'x'));
  if (scp && arg.includes(':')) return { host: unknownOr(scp[1] ?? ''), url: arg };
  return null;
}

function unknownOr(host: string): string {
  return host.includes(UNKNOWN) || host === '' ? '' : host.toLowerCase();
}

/** Glob match for host patterns (`*.github.com`). */
export function hostMatches(host: string, pattern: string): boolean {
  let re = HOST_PATTERNS.get(pattern);
  if (!re) {
    re = new RegExp(
      `^${pattern
        .toLowerCase()
        .replace(/[.+^${}()|[\]\\]/g, '\\$&')
        .replace(/\*/g, '.*')}$`,
    );
    HOST_PATTERNS.set(pattern, re);
  }
  return re.test(host);
}
const HOST_PATTERNS = new Map<string, RegExp>();

export function isWebService(host: string): boolean {
  return WEB_SERVICES.test(host);
}

export interface HostPolicy {
  allow: readonly string[];
  deny: readonly string[];
}

export type HostVerdict = 'allowed' | 'denied' | 'unlisted' | 'unknown';

export function judgeHost(host: string, policy: HostPolicy): HostVerdict {
  if (host === '') return 'unknown';
  if (policy.deny.some((p) => hostMatches(host, p))) return 'denied';
  if (policy.allow.some((p) => hostMatches(host, p))) return 'allowed';
  return 'unlisted';
}
