import type { RiskReason } from '../schema/index.js';
import { configEntries } from './analysis/config-keys.js';
import type { HostPolicy } from './analysis/network.js';
import { configTextFinding, PACKAGE_CONFIG } from './analysis/package-sources.js';
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
  if (!PACKAGE_CONFIG.test(path)) return undefined;
  const had = new Set((before ?? '').split('\n').map((l) => l.trim()));
  const lines = texts.join('\n').split('\n');
  // A line the call adds to a value over several lines that the file already held is judged with its key.
  const added = lines.flatMap((l, i) =>
    had.has(l.trim()) ? [] : before === undefined ? [l] : [...ownerOf(lines, i), l],
  );
  const key = configTextFinding(hosts, added.join('\n'));
  if (key === undefined) return undefined;
  return {
    risk: TAXONOMY['supply.package-source'].risk,
    reason: reason('supply.package-source', `${path} sets ${key}`),
  };
}

const indent = (line: string) => line.length - line.trimStart().length;

/**
 * The line whose value line i goes on, when line i is no key of its own (an item of a list or an array over
 * several lines, `preload = [` … `"./x.ts",`): the nearest line above it, no deeper, that has a key.
 */
function ownerOf(lines: string[], i: number): string[] {
  const line = lines[i] ?? '';
  const own = configEntries(line)[0] ?? [];
  if (own.length > 0 && !/^\s*-\s/.test(line)) return [];
  for (let j = i - 1; j >= 0 && j >= i - 200; j--) {
    const above = lines[j] ?? '';
    if (/^\s*\[/.test(above)) break; // a TOML or ini section starts here
    if (above.trim() !== '' && indent(above) <= indent(line) && (configEntries(above)[0] ?? []).length > 0)
      return [above];
  }
  return [];
}
