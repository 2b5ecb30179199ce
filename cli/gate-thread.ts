/**
 * The server's hook decisions run here, on a thread of their own (built to dist/cli/gate-thread.js): an analysis
 * that runs long on hostile text then holds neither the event loop that approvals, the API and ingest share,
 * nor other runners' hook calls, and a thread that outlives its deadline is ended (gate-threads.ts). It compiles
 * the policy text `ward serve` read at start (it never reads the files) and keeps a gate per workspace.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Gate, GateDecision, GateInput, PolicyLayers, ResolvedPolicy } from '../gate/fast.js';

export interface GateThreadRequest {
  id: number;
  workspace: string;
  input: GateInput;
}
/** `retire`: the thread should make way for a new one (its grammar failed, or holds too much memory). */
export type GateThreadReply = { id: number; retire: boolean } & (
  | { ok: true; decision: GateDecision }
  | { ok: false; error: string }
);

const MAX_GATES = 64;
/** The grammar's memory above which the thread makes way for a new one. */
const RETIRE_ABOVE_BYTES = 96 * 2 ** 20;

if (parentPort) {
  const port = parentPort;
  const { layers } = workerData as { layers: PolicyLayers };
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
    const reply = (r: { ok: true; decision: GateDecision } | { ok: false; error: string }) =>
      gateModule.then((gate) => {
        // A grammar that aborted parses nothing more, and one that grew large keeps its memory: the thread
        // says so with its answer, and the pool puts a new one in its place.
        const retire = gate.shellParserBroken() || gate.shellParserMemory() > RETIRE_ABOVE_BYTES;
        port.postMessage({ id: req.id, ...r, retire } satisfies GateThreadReply);
      });
    gateFor(req.workspace)
      .then((g) => g.decideAsync(req.input))
      .then(
        (decision) => reply({ ok: true, decision }),
        (err: unknown) => reply({ ok: false, error: err instanceof Error ? err.message : String(err) }),
      );
  });
}
