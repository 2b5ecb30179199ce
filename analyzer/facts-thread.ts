/**
 * The analyzer's command analysis runs here, on a thread of its own (built to dist/analyzer/facts-thread.js): a
 * sender's hostile shell text (tens of milliseconds to a second of parsing each) then holds neither the event
 * loop that `ward serve` answers approvals, hooks and the API on, nor its memory (the grammar's WASM memory never
 * shrinks, and a hostile parse can abort it). The pool (facts-threads.ts) replaces a thread that says so, or
 * that runs past an item's deadline.
 */
import { parentPort } from 'node:worker_threads';
import { initShellParser, loadPolicy, shellParserBroken, shellParserMemory } from '../gate/index.js';
import { type CommandFacts, commandFacts } from './facts.js';

/** Command lines with the workspace each ran in. */
export interface FactsThreadRequest {
  id: number;
  items: [command: string, workspace: string][];
}
/** One reply per item, in order. `retire`: the thread should make way for a new one. */
export interface FactsThreadReply {
  id: number;
  index: number;
  facts: CommandFacts;
  retire: boolean;
}

/** The grammar's memory above which the thread makes way for a new one. */
const RETIRE_ABOVE_BYTES = 96 * 2 ** 20;

if (parentPort) {
  const port = parentPort;
  const ready = Promise.all([initShellParser(), loadPolicy()]);
  port.on('message', (req: FactsThreadRequest) => {
    void ready.then(([parser, policy]) => {
      for (let index = 0; index < req.items.length; index++) {
        const [command, workspace] = req.items[index] as [string, string];
        const facts = commandFacts(command, workspace, { parser, hosts: policy.hosts });
        // A grammar that aborted parses nothing more, and one that grew large keeps its memory.
        const retire = shellParserBroken() || shellParserMemory() > RETIRE_ABOVE_BYTES;
        port.postMessage({ id: req.id, index, facts, retire } satisfies FactsThreadReply);
        if (retire) return;
      }
    });
  });
}
