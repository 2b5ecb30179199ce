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
