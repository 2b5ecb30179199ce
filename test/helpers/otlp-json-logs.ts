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
