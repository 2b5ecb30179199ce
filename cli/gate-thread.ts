/**
 * The server's hook decisions run here, on a thread of their own (built to dist/cli/gate-thread.js): an analysis
 * that runs long on hostile text then holds neither the event loop that approvals, the API and ingest share,
 * nor other runners' hook calls, and a thread that outlives its deadline is ended (gate-threads.ts). It loads
 * the server's policy from the same layers the main thread loaded, once, and keeps a gate per workspace.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Gate, GateDecision, GateInput, PolicyLayers, ResolvedPolicy } from '../gate/fast.js';

export interface GateThreadRequest {
  id: number;
  workspace: string;
  input: GateInput;
}
export type GateThreadReply =
  | { id: number; ok: true; decision: GateDecision }
  | { id: number; ok: false; error: string };

const MAX_GATES = 64;

if (parentPort) {
  const port = parentPort;
  const layers = (workerData as { layers: PolicyLayers }).layers;
  const gateModule = import('../gate/fast.js');
  let policy: Promise<ResolvedPolicy> | undefined;
  const gates = new Map<string, Promise<Gate>>();

  const gateFor = async (workspace: string): Promise<Gate> => {
    const gate = await gateModule;
    policy ??= gate.loadPolicy(layers);
    // A broken policy is read again on the next call (each call is refused meanwhile).
    policy.catch(() => {
      policy = undefined;
      gates.clear();
    });
    let g = gates.get(workspace);
    if (!g) {
      if (gates.size >= MAX_GATES) gates.delete(gates.keys().next().value as string);
      const resolved = await policy;
      g = gate.createGate({ policy: resolved, workspace, deferParser: true });
      gates.set(workspace, g);
    }
    return g;
  };

  port.on('message', (req: GateThreadRequest) => {
    gateFor(req.workspace)
      .then((g) => g.decideAsync(req.input))
      .then(
        (decision) => port.postMessage({ id: req.id, ok: true, decision } satisfies GateThreadReply),
        (err: unknown) =>
          port.postMessage({
            id: req.id,
            ok: false,
            error: err instanceof Error ? err.message : String(err),
          } satisfies GateThreadReply),
      );
  });
}
