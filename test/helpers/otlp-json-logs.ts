/** An OTLP/JSON string attribute. */
export const attr = (key: string, value: string) => ({ key, value: { stringValue: value } });

/** An OTLP/JSON logs request body: `records` under one resource of `service.name` rt-service and `session`. */
export function logsBody(session: string, records: readonly object[]): Uint8Array {
  return new TextEncoder().encode(
    JSON.stringify({
      resourceLogs: [
        {
          resource: { attributes: [attr('service.name', 'rt-service'), attr('session.id', session)] },
          scopeLogs: [{ scope: { name: 'rt' }, logRecords: records }],
        },
      ],
    }),
  );
}

/** A Claude Code `tool_decision` log record for a Bash command (`i` keeps times and tool-use ids apart). */
export function claudeToolDecision(session: string, command: string, i: number) {
  return {
    timeUnixNano: String(BigInt(Date.now()) * 1_000_000n + BigInt(i % 1_000_000)),
    attributes: [
      attr('session.id', session),
      attr('event.name', 'tool_decision'),
      attr('decision', 'accept'),
      attr('source', 'config'),
      attr('tool_name', 'Bash'),
      attr('tool_use_id', `toolu_${session}_${i}`),
      attr('tool_parameters', JSON.stringify({ bash_command: command, full_command: command })),
    ],
    body: { stringValue: 'claude_code.tool_decision' },
  };
}

/** An OTLP/JSON logs request body as Claude Code 2.1.197 sends its events. */
export function claudeLogsBody(records: readonly object[]): string {
  return JSON.stringify({
    resourceLogs: [
      {
        resource: { attributes: [attr('service.name', 'claude-code'), attr('service.version', '2.1.197')] },
        scopeLogs: [{ scope: { name: 'com.anthropic.claude_code.events' }, logRecords: records }],
      },
    ],
  });
}

/** One session of Claude Code's Bash tool decisions, for `claudeSessionsBody`. */
export interface ClaudeSession {
  id: string;
  repo?: string;
  commands: readonly string[];
  /** When the first command ran (ms; default an hour ago); each next one a second later. */
  startMs?: number;
}

let calls = 0;

/** An OTLP/JSON logs body as Claude Code sends it: one resource per session (with its repo), a Bash decision per command. */
export function claudeSessionsBody(sessions: readonly ClaudeSession[]): string {
  return JSON.stringify({
    resourceLogs: sessions.map((s) => ({
      resource: {
        attributes: [
          attr('service.name', 'claude-code'),
          attr('service.version', '2.1.197'),
          ...(s.repo ? [attr('vcs.repository.url.full', s.repo)] : []),
        ],
      },
      scopeLogs: [
        {
          scope: { name: 'com.anthropic.claude_code.events' },
          logRecords: s.commands.map((command, i) => {
            calls++;
            const ms = (s.startMs ?? Date.now() - 3_600_000) + i * 1000;
            return {
              timeUnixNano: String(BigInt(ms) * 1_000_000n + BigInt(calls % 1_000_000)),
              attributes: [
                attr('session.id', s.id),
                attr('user.id', 'dev@acme.example'),
                attr('event.name', 'tool_decision'),
                attr('decision', 'accept'),
                attr('source', 'config'),
                attr('tool_name', 'Bash'),
                attr('tool_use_id', `toolu_${s.id}_${calls}`),
                attr('tool_parameters', JSON.stringify({ bash_command: command, full_command: command })),
              ],
              body: { stringValue: 'claude_code.tool_decision' },
            };
          }),
        },
      ],
    })),
  });
}
