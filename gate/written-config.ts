import type { RiskReason } from '../schema/index.js';
import { configEntries, MAX_CONFIG_LINES } from './analysis/config-keys.js';
import type { HostPolicy } from './analysis/network.js';
import { configTextFinding, PACKAGE_CONFIG } from './analysis/package-sources.js';
import { xmlSources } from './analysis/xml-sources.js';
import { parseXml } from './analysis/xml-text.js';
import { reason } from './shell-judgement.js';
import { TAXONOMY } from './taxonomy/rules.js';

/**
 * A package manager's config file that a write or patch call writes (`.npmrc`, `pnpm-workspace.yaml`,
 * `bunfig.toml`, `pip.conf`), judged by the lines the call adds as the same text written by a typed command is
 * (`echo script-shell=python3 >> .npmrc`): a line that makes the manager run another program
 * (`script-shell=python3`, `scriptShell:`, `preload = [...]`, `yarn-path`), point a source at a host the policy
 * does not list, or turn a check off.
 */
export function writtenConfigReason(
  path: string,
  before: string | undefined,
  texts: string[],
  hosts: HostPolicy,
): { risk: number; reason: RiskReason } | undefined {
  if (/(?:^|\/)pom\.xml$/.test(path)) return pomSourceReason(path, before, texts, hosts);
  if (!PACKAGE_CONFIG.test(path)) return undefined;
  const had = new Set((before ?? '').split('\n').map((l) => l.trim()));
  const lines = texts.join('\n').split('\n');
  // Each line's own keys read once (a line looks up to 200 lines above it for its key), and no more lines read
  // than config text is: past them the text is judged unread.
  const keyed: boolean[] = [];
  let reads = 0;
  const hasKey = (i: number) => {
    if (keyed[i] === undefined) {
      reads++;
      keyed[i] = (configEntries(lines[i] ?? '')[0] ?? []).length > 0;
    }
    return keyed[i];
  };
  const depth = lines.map((l) => (l.trim() === '' ? -1 : indent(l)));
  // A line the call adds to a value over several lines that the file already held is judged with its key.
  const added: string[] = [];
  for (let i = 0; i < lines.length && reads <= 2 * MAX_CONFIG_LINES; i++) {
    const l = lines[i] ?? '';
    if (!had.has(l.trim())) added.push(...(before === undefined ? [] : ownerOf(lines, i, hasKey, depth)), l);
  }
  const key =
    reads > 2 * MAX_CONFIG_LINES
      ? `more than ${MAX_CONFIG_LINES} lines`
      : configTextFinding(hosts, added.join('\n'));
  if (key === undefined) return undefined;
  return {
    risk: TAXONOMY['supply.package-source'].risk,
    reason: reason('supply.package-source', `${path} sets ${key}`),
  };
}

/** A pom's repositories elsewhere that the call adds (all of a piece's, when the file is not known whole). */
function pomSourceReason(
  path: string,
  before: string | undefined,
  texts: string[],
  hosts: HostPolicy,
): { risk: number; reason: RiskReason } | undefined {
  const had = new Set(before === undefined ? [] : xmlSources(parseXml(before), hosts).map(([, why]) => why));
  const added = texts.flatMap((t) => xmlSources(parseXml(t), hosts)).find(([, why]) => !had.has(why));
  if (!added) return undefined;
  return {
    risk: TAXONOMY['supply.package-source'].risk,
    reason: reason('supply.package-source', `${path} adds a ${added[0]} ${added[1]}`),
  };
}

const indent = (line: string) => line.length - line.trimStart().length;

/**
 * The line whose value line i goes on, when line i is no key of its own (an item of a list or an array over
 * several lines, `preload = [` … `"./x.ts",`): the nearest line above it, no deeper, that has a key (`depth`:
 * each line's indent, -1 for a blank one).
 */
function ownerOf(lines: string[], i: number, hasKey: (i: number) => boolean, depth: number[]): string[] {
  const line = lines[i] ?? '';
  if (hasKey(i) && !/^\s*-\s/.test(line)) return [];
  const own = indent(line);
  for (let j = i - 1; j >= 0 && j >= i - 200; j--) {
    const above = lines[j] ?? '';
    const d = depth[j] ?? -1;
    if (d >= 0 && above[d] === '[') break; // a TOML or ini section starts here
    if (d >= 0 && d <= own && hasKey(j)) return [above];
  }
  return [];
}
