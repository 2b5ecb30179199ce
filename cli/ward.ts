/**
 * The `ward` command. Subcommands load lazily so `ward exec` does not pay for the server's imports.
 * This is the only place (with cli/env.ts) that reads process.env and process.argv.
 */
import { readEnv } from './env.js';

type Main = (args: string[], env: ReturnType<typeof readEnv>) => Promise<number>;

const COMMANDS: Record<string, { summary: string; load: () => Promise<{ main: Main }> }> = {
  serve: {
    summary: 'run the collector, API and UI (default 127.0.0.1:4318)',
    load: () => import('./serve.js'),
  },
  demo: { summary: 'send realistic agent sessions to a server over OTLP', load: () => import('./demo.js') },
  exec: { summary: 'run one command in the sandbox', load: () => import('./exec.js') },
  run: { summary: 'run a whole agent inside one sandbox', load: () => import('./run.js') },
  doctor: { summary: 'check that this machine can sandbox, with fixes', load: () => import('./doctor.js') },
  gate: {
    summary: 'approval gate: `gate check -- CMD`, `gate eval FILE.jsonl`',
    load: () => import('./gate.js'),
  },
  hook: { summary: 'agent hooks: `hook claude-code` (PreToolUse)', load: () => import('./hook.js') },
  install: {
    summary: 'install hooks into an agent: `install claude-code`',
    load: () => import('./install.js'),
  },
  approvals: {
    summary:
      'the approvals queue: `approvals list`, `approvals approve ID --scope session`, `approvals deny ID`',
    load: () => import('./approvals.js'),
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
    load: () => import('./token.js'),
  },
};

function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`);
  return `usage: ward <command> [options]\n\ncommands:\n${lines.join('\n')}\n`;
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
  const mod = await command.load();
  return mod.main(rest, readEnv(process.env));
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`ward: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
