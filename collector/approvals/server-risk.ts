import { createGate, type Gate, loadPolicy, type ResolvedPolicy } from '../../gate/fast.js';

/**
 * The server's own risk score for an approval's command: the gate with the server's policy (never a
 * policy the requester names), so a runner's claimed risk is checked, not trusted. The shell grammar loads
 * on first use.
 */
export function createServerRisk(
  policy: () => Promise<ResolvedPolicy> = () => loadPolicy(),
): (command: string) => Promise<number> {
  let gate: Promise<Gate> | undefined;
  return async (command) => {
    gate ??= policy().then((p) => createGate({ policy: p, workspace: '/', deferParser: true }));
    gate.catch(() => {
      gate = undefined;
    });
    return (await (await gate).decideAsync({ command })).risk;
  };
}
