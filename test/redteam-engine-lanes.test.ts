import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { startEngineClient } from '../store/engine/client.js';
import { EngineBusyError } from '../store/engine/errors.js';

/**
 * Red team: a runner token floods the API with cheap authorized reads (GET /api/risk, GET /api/approvals)
 * until the engine's interactive cap is full. The approval path (another runner's request, the analyst's
 * decision) must still get statements in: a full API lane must not turn every approval into a 503 (the runner
 * then denies, the analyst cannot decide).
 */
const HOLDING_WORKER = `
import { parentPort } from 'node:worker_threads';
const held = [];
parentPort.on('message', (r) => {
  if (r.op === 'query') return void held.push(r.id);
  if (r.op === 'ping') for (const id of held.splice(0)) parentPort.postMessage({ id, ok: true });
  parentPort.postMessage({ id: r.id, ok: true });
});
parentPort.postMessage({ id: 0, ok: true });
`;

async function holdingEngine(maxInteractive: number) {
  const dir = mkdtempSync(join(tmpdir(), 'ward-redteam-lanes-'));
  const script = join(dir, 'worker.mjs');
  writeFileSync(script, HOLDING_WORKER);
  return startEngineClient({ path: dir, tmpDir: dir, script: pathToFileURL(script), maxInteractive });
}

const query = (approval: boolean) =>
  ({ op: 'query', query: 'SELECT 1', ...(approval ? { approval: true } : {}) }) as const;

describe('red team: engine lanes under an API flood', () => {
  it('a full API lane does not refuse approval-path statements', async () => {
    const engine = await holdingEngine(4);
    try {
      const flood = Array.from({ length: 4 }, () => engine.interactive(query(false)));
      // The fifth API statement is refused: the flood is bounded...
      await expect(engine.interactive(query(false))).rejects.toBeInstanceOf(EngineBusyError);
      // ...and the approval's statement still gets in.
      const approval = engine.interactive(query(true));
      await engine.ping();
      await expect(approval).resolves.toBeUndefined();
      await Promise.all(flood);
    } finally {
      await engine.close();
    }
  });

  it('the approval lane has its own cap', async () => {
    const engine = await holdingEngine(2);
    try {
      const held = [engine.interactive(query(true)), engine.interactive(query(true))];
      await expect(engine.interactive(query(true))).rejects.toBeInstanceOf(EngineBusyError);
      await engine.ping();
      await Promise.all(held);
    } finally {
      await engine.close();
    }
  });
});
