import type { RiskReason } from '../schema/index.js';
import type { HostPolicy } from './analysis/network.js';
import { configTextFinding, PACKAGE_CONFIG } from './analysis/package-sources.js';
import { reason } from './shell-judgement.js';
import { TAXONOMY } from './taxonomy/rules.js';

/**
 * A package manager's config file that a write or patch call writes (`.npmrc`, `.yarnrc`, `pip.conf`), judged by
 * the lines the call adds as the same text written by a typed command is (`echo script-shell=python3 >>
 * .npmrc`): a line that makes the manager run another program (`script-shell=python3`, `yarn-path`), point a
 * source at a host the policy does not list, or turn a check off.
 */
export function writtenConfigReason(
  path: string,
  before: string | undefined,
  texts: string[],
  hosts: HostPolicy,
): { risk: number; reason: RiskReason } | undefined {
  if (!PACKAGE_CONFIG.test(path)) return undefined;
  const had = new Set((before ?? '').split('\n').map((l) => l.trim()));
  const added = texts
    .join('\n')
    .split('\n')
    .filter((l) => !had.has(l.trim()));
  const key = configTextFinding(hosts, added.join('\n'));
  if (key === undefined) return undefined;
  return {
    risk: TAXONOMY['supply.package-source'].risk,
    reason: reason('supply.package-source', `${path} sets ${key}`),
  };
}
