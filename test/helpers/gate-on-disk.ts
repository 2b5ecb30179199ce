import { mkdirSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { createGate, type Gate, loadPolicy } from '../../gate/index.js';
import { listDirectory } from '../../sandbox-runner/hooks/list-dir.js';
import { readTextFile } from '../../sandbox-runner/hooks/read-text.js';

/** A temporary home with a workspace in it, and the gate over them with the hook's own file readers. */
export interface GateOnDisk {
  root: string;
  home: string;
  ws: string;
  gate: Gate;
  /** The decision for a command from the workspace. */
  decide: (command: string) => 'allow' | 'ask' | 'deny';
}

/** Makes one for a test file (in beforeAll, removed in afterAll); read its fields inside tests. */
export function gateOnDisk(
  name: string,
  setup?: (d: Omit<GateOnDisk, 'gate' | 'decide'>) => void,
): GateOnDisk {
  const d = { decide: (command: string) => d.gate.decide({ command }).decision } as GateOnDisk;
  beforeAll(async () => {
    d.root = realpathSync(mkdtempSync(join(tmpdir(), `ward-${name}-`)));
    d.home = join(d.root, 'home');
    d.ws = join(d.home, 'project');
    mkdirSync(d.ws, { recursive: true });
    setup?.(d);
    d.gate = await createGate({
      policy: await loadPolicy({ inline: {} }),
      workspace: d.ws,
      home: d.home,
      readText: readTextFile,
      listDir: listDirectory,
    });
  });
  afterAll(() => rmSync(d.root, { recursive: true, force: true }));
  return d;
}
