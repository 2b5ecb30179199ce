import { inertJson } from '../schema/fast.js';
import type { WardEnv } from './env.js';

const USAGE = `usage:
  ward gate check [--policy FILE] [--org FILE] [--user FILE] [--workspace DIR] [--mode MODE] -- 'COMMAND'
  ward gate check [...] --tool NAME -- '{"file_path": "..."}'   (a non-shell tool call: Write, WebFetch, mcp__x__y)
  ward gate eval  [--policy FILE] [--org FILE] [--user FILE] [--workspace DIR] [--mode MODE] FILE.jsonl
  eval rows: {"id", "cmd"} for shell commands, {"id", "tool", "input"} for other tool calls
  Policy as for ward exec: --policy FILE (else <workspace>/.ward/policy.yaml) over ~/.ward/policy.yaml and
  /etc/ward/policy.yaml; --org / --user name other files for those layers. Decisions are the unsandboxed
  answer (what agent hooks get); ward exec may allow what its sandbox contains, marked contained_by: sandbox.
`;

/** The gate's input for a non-shell tool call, with the arguments the agent gave it. */
function toolInput(tool: string, input: Record<string, unknown>) {
  return { tool, toolInput: input, command: `${tool} ${JSON.stringify(input).slice(0, 4000)}` };
}

/** `ward gate`: decide one command (`check`) or a JSONL file of {id, cmd} objects (`eval`). */
export async function main(args: string[], env: WardEnv): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'check' && sub !== 'eval') {
    process.stderr.write(USAGE);
    return 2;
  }
  if (sub === 'check') await (await import('./baseline-wasm.js')).useBaselineWasmOnly();
  const { parseCommandArgs } = await import('./args.js');
  const { createGate, discoverPolicyLayers, loadPolicy, PolicyError } = await import('../gate/fast.js');
  let parsed: ReturnType<typeof parseCommandArgs>;
  try {
    parsed = parseCommandArgs(rest, {
      policy: { type: 'string' },
      org: { type: 'string' },
      user: { type: 'string' },
      workspace: { type: 'string' },
      mode: { type: 'string' },
      tool: { type: 'string' },
    });
  } catch (err) {
    process.stderr.write(`ward gate: ${err instanceof Error ? err.message : String(err)}\n${USAGE}`);
    return 2;
  }
  const v = parsed.values as {
    policy?: string;
    org?: string;
    user?: string;
    workspace?: string;
    mode?: string;
    tool?: string;
  };
  const workspace = v.workspace ?? process.cwd();
  let policy: Awaited<ReturnType<typeof loadPolicy>>;
  try {
    policy = await loadPolicy(
      discoverPolicyLayers({
        workspace,
        home: env.home,
        policyFile: v.policy,
        mode: v.mode,
        orgFile: v.org,
        userFile: v.user,
      }),
    );
  } catch (err) {
    if (err instanceof PolicyError) {
      process.stderr.write(`ward gate: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
  for (const note of policy.notes) process.stderr.write(`ward gate: note: ${note}\n`);
  // No `contained`: these are the answers without a sandbox around the command (what agent hooks get).
  // `check` answers as the hook would: symlinks resolved, the scripts a call writes or runs read as they are now.
  // `eval` scores labelled rows, never this machine's files.
  const io = sub === 'check' ? await import('../sandbox-runner/fast.js') : undefined;
  const gate = await createGate({
    policy,
    workspace,
    home: env.home,
    ...(io ? { realpath: io.resolveExisting, readText: io.readTextFile, listDir: io.listDirectory } : {}),
  });

  if (sub === 'check') {
    const text = parsed.rest.length > 0 ? parsed.rest.join(' ') : parsed.positionals.join(' ');
    let command: import('../gate/fast.js').GateInput = { command: text };
    if (v.tool) {
      try {
        command = toolInput(v.tool, JSON.parse(text || '{}') as Record<string, unknown>);
      } catch {
        process.stderr.write('ward gate check --tool: give the tool arguments as a JSON object after --\n');
        return 2;
      }
    }
    if (!text && !v.tool) {
      process.stderr.write(`ward gate check: give the command after --\n${USAGE}`);
      return 2;
    }
    process.stdout.write(`${inertJson(gate.decide(command), 2)}\n`);
    return 0;
  }

  const file = parsed.positionals[0];
  if (!file) {
    process.stderr.write(`ward gate eval: give a JSONL file\n${USAGE}`);
    return 2;
  }
  const { createReadStream } = await import('node:fs');
  const { createInterface } = await import('node:readline');
  const lines = createInterface({
    input: createReadStream(file, 'utf8'),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  let out: string[] = [];
  let lineNo = 0;
  let bad = 0;
  for await (const line of lines) {
    lineNo++;
    if (line.trim() === '') continue;
    let row: { id?: unknown; cmd?: unknown; tool?: unknown; input?: unknown };
    try {
      row = JSON.parse(line) as typeof row;
    } catch {
      process.stderr.write(`ward gate eval: ${file}:${lineNo}: not JSON, skipped\n`);
      bad++;
      continue;
    }
    // A tool call row: {"id", "tool": "Write", "input": {...}} (the agent's tool name and arguments).
    const toolRow =
      typeof row.tool === 'string' &&
      typeof row.input === 'object' &&
      row.input !== null &&
      !Array.isArray(row.input);
    if (typeof row.cmd !== 'string' && !toolRow) {
      process.stderr.write(
        `ward gate eval: ${file}:${lineNo}: no string "cmd" (or "tool" and "input"), skipped\n`,
      );
      bad++;
      continue;
    }
    const d =
      typeof row.cmd === 'string'
        ? gate.decide({ command: row.cmd })
        : gate.decide(toolInput(row.tool as string, row.input as Record<string, unknown>));
    out.push(
      inertJson({
        id: row.id ?? null,
        decision: d.decision,
        risk: d.risk,
        reasons: d.reasons,
        escalated: d.escalated,
      }),
    );
    if (out.length >= 1000) {
      process.stdout.write(`${out.join('\n')}\n`);
      out = [];
    }
  }
  if (out.length > 0) process.stdout.write(`${out.join('\n')}\n`);
  return bad > 0 ? 1 : 0;
}
