import type { GrantRecord } from '../../schema/index.js';

/**
 * Decides once; when the answer is an ask the gate could grant, fetches the grants of this session and
 * project and decides again with them. Grants only ever lift such asks, so an allow or a deny costs no round
 * trip. Grants that cannot be fetched are no grants: the ask stands (fail closed), with a warning.
 */
export async function decideWithGrants<V extends { decision: string; grantable?: boolean }>(
  decide: (grants?: readonly GrantRecord[]) => V | Promise<V>,
  fetchGrants: (() => Promise<GrantRecord[]>) | undefined,
  warn: (msg: string) => void = () => {},
): Promise<V> {
  const first = await decide();
  if (first.decision !== 'ask' || !first.grantable || !fetchGrants) return first;
  let grants: GrantRecord[];
  try {
    grants = await fetchGrants();
  } catch (err) {
    warn(`could not read grants, asking instead: ${err instanceof Error ? err.message : String(err)}`);
    return first;
  }
  return grants.length === 0 ? first : decide(grants);
}
