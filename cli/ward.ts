/**
 * The `ward` command. Subcommands load lazily so `ward exec` does not pay for the server's imports.
 * This is the only place (with cli/env.ts) that reads process.env and process.argv.
 */
import { readEnv } from './env.js';
import { keepWorkerHeapsDefault } from './main-heap.js';

keepWorkerHeapsDefault();

type Main = (args: string[], env: ReturnType<typeof readEnv>) => Promise<number>;

/**
 * A subcommand: its one-line summary, and its full usage when `ward NAME --help` is answered here (commands
 * without `usage` print their own).
 */
interface Command {
  summary: string;
  usage?: string;
  load: () => Promise<{ main: Main; USAGE?: string }>;
}

const COMMANDS: Record<string, Command> = {
  serve: {
    summary: 'run the collector, API and UI (default 127.0.0.1:4318)',
    usage: `usage: ward serve [--host H] [--port P] [--data DIR] [--clickhouse-url URL] [--cluster NAME] [--database NAME] [--demo]
  Runs the OTLP/HTTP collector, the JSON API and the UI on one port, with an embedded ClickHouse under --data
  (default .ward-data) unless --clickhouse-url names a server.
  --host               address to bind (default 127.0.0.1; anything else requires tokens)
  --port               port (default 4318)
  --raw-ttl-days N     keep raw OTel rows N days; --events-ttl-days N the same for agent events
  --demo               send the demo sessions once the server is up
  --ingest-ack MODE    stored (default): answer OTLP once ClickHouse stored the rows; journal: once fsynced to
                       DATA/journal (large inserts afterwards, replayed at the next start)
  --approval-rate N/S  approval requests one token may make in S seconds (default 120/600); more get 429
`,
    load: () => import('./serve.js'),
  },
  demo: {
    summary: 'send realistic agent sessions to a server over OTLP',
    usage: `usage: ward demo [--server URL] [--token T] [--seed N]
  Sends realistic agent sessions (benign work and attacks) through the server's real OTLP endpoint.
`,
    load: () => import('./demo.js'),
  },
  exec: { summary: 'run one command in the sandbox', load: () => import('./exec.js') },
  run: { summary: 'run a whole agent inside one sandbox', load: () => import('./run.js') },
  doctor: {
    summary: 'check that this machine can sandbox, with fixes',
    usage: `usage: ward doctor [--server URL] [--project DIR] [--codex-command CMD]
  Checks bubblewrap, user namespaces, seccomp, cgroups, the network proxy, (with a server) the runner token,
  and for each agent whether Ward's hook is installed and really runs (Codex asked through codex
  app-server; --project: whose .claude/.codex/.gemini hooks count, default .); each failure with its fix.
`,
    load: () => import('./doctor.js'),
  },
  gate: {
    summary: 'approval gate: `gate check -- CMD`, `gate eval FILE.jsonl`',
    usage: `usage: ward gate check [options] -- COMMAND
       ward gate check [options] --tool NAME -- '{"file_path": "..."}'
       ward gate eval [options] FILE.jsonl
  check: prints the decision (allow / ask / deny), risk and reasons for one command (or tool call) as JSON.
  eval:  reads {"id","cmd"} or {"id","tool","input"} per line and writes one decision per line.
  Both give the unsandboxed answer (what agent hooks get).
  --policy FILE    project policy (default .ward/policy.yaml in the workspace)
  --org FILE, --user FILE   the organisation and user layers (default /etc/ward/policy.yaml, ~/.ward/policy.yaml)
  --workspace DIR  the workspace the command runs in (default: the current directory)
  --mode MODE      strict | balanced | autonomous | ci
`,
    load: () => import('./gate.js'),
  },
  hook: {
    summary: 'agent hooks: `hook claude-code|codex|gemini-cli` (PreToolUse / BeforeTool)',
    load: () => import('./hook.js'),
  },
  install: {
    summary: 'install hooks into an agent: `install claude-code|codex|gemini-cli [--user]`',
    load: () => import('./install.js'),
  },
  approvals: {
    summary:
      'the approvals queue: `approvals list`, `approvals approve ID --scope session`, `approvals deny ID`',
    usage: `usage: ward approvals list [--status pending|approved|denied|expired] [--json]
       ward approvals approve ID [--scope once|session|project] [--reason TEXT]
       ward approvals deny ID [--reason TEXT]
  The approvals queue for analysts (WARD_TOKEN: an analyst token). --server URL (default WARD_SERVER or
  http://127.0.0.1:4318).
`,
    load: () => import('./approvals.js'),
  },
  alerts: {
    summary: 'analyzer alerts: `alerts list`, `alerts show ID`, `alerts ack ID`, `alerts resolve ID`',
    load: () => import('./alerts.js'),
  },
  analyze: {
    summary: 'score stored events into alerts (`--follow` keeps going; a separate worker)',
    load: () => import('./analyze.js'),
  },
  audit: {
    summary: 'audit trail: `audit verify [--server URL | --data DIR] [--from --to]`, `audit pubkey`',
    load: () => import('./audit.js'),
  },
  report: {
    summary: 'compliance report: `report --from --to --format json|csv|pdf --out FILE`, `report verify FILE`',
    load: () => import('./report.js'),
  },
  token: {
    summary: 'API tokens: `token create --name N --role runner`, `token list`, `token revoke ID`',
    usage: `usage: ward token create --name NAME --role admin|analyst|compliance|runner
       ward token list
       ward token revoke ID
  Uses the admin token from WARD_ADMIN_TOKEN or DIR/admin-token (--data DIR, default .ward-data); the new
  token is shown once. --server URL (default WARD_SERVER or http://127.0.0.1:4318).
`,
    load: () => import('./token.js'),
  },
};

function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`);
  return `usage: ward <command> [options]\n\ncommands:\n${lines.join('\n')}\n`;
}

/** `--help` or `-h` among the command's own options (before `--`). */
function wantsHelp(args: readonly string[]): boolean {
  const dash = args.indexOf('--');
  return (dash === -1 ? args : args.slice(0, dash)).some((a) => a === '--help' || a === '-h');
}

async function main(): Promise<number> {
  const [name, ...rest] = process.argv.slice(2);
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage());
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`ward: unknown command '${name}'\n\n${usage()}`);
    return 2;
  }
  if (command.usage && wantsHelp(rest)) {
    process.stdout.write(command.usage);
    return 0;
  }
  const mod = await command.load();
  if (mod.USAGE && wantsHelp(rest)) {
    process.stdout.write(mod.USAGE);
    return 0;
  }
  return mod.main(rest, readEnv(process.env));
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`ward: ${err instanceof Error ? err.message : String(err)}\n`);
    // An agent runs the tool when its hook exits 1; 2 is the exit code all three take as "blocked".
    process.exitCode = process.argv[2] === 'hook' ? 2 : 1;
  },
);
