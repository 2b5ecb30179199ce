/** Attribute names Ward reads or writes, in one place. */

/** OpenTelemetry resource and general semantic-convention attributes. */
export const OTEL = {
  serviceName: 'service.name',
  serviceVersion: 'service.version',
  hostName: 'host.name',
  userId: 'user.id',
  userEmail: 'user.email',
  userName: 'user.name',
  sessionId: 'session.id',
  eventName: 'event.name',
  eventTimestamp: 'event.timestamp',
  processCwd: 'process.cwd',
  processCommandArgs: 'process.command_args',
  vcsRepositoryUrl: 'vcs.repository.url.full',
  exceptionMessage: 'exception.message',
} as const;

/** GenAI semantic conventions, new names and the older ones still sent by some agents. */
export const GEN_AI = {
  operationName: 'gen_ai.operation.name',
  system: 'gen_ai.system',
  providerName: 'gen_ai.provider.name',
  agentName: 'gen_ai.agent.name',
  agentId: 'gen_ai.agent.id',
  conversationId: 'gen_ai.conversation.id',
  requestModel: 'gen_ai.request.model',
  responseModel: 'gen_ai.response.model',
  toolName: 'gen_ai.tool.name',
  toolCallId: 'gen_ai.tool.call.id',
  toolCallIdOld: 'gen_ai.tool.call_id',
  toolType: 'gen_ai.tool.type',
  toolCallArguments: 'gen_ai.tool.call.arguments',
  toolCallResult: 'gen_ai.tool.call.result',
  inputTokens: 'gen_ai.usage.input_tokens',
  outputTokens: 'gen_ai.usage.output_tokens',
  promptTokensOld: 'gen_ai.usage.prompt_tokens',
  completionTokensOld: 'gen_ai.usage.completion_tokens',
} as const;

/** Values of gen_ai.operation.name. */
export const GEN_AI_OPERATIONS = {
  executeTool: 'execute_tool',
  invokeAgent: 'invoke_agent',
  createAgent: 'create_agent',
  chat: 'chat',
  textCompletion: 'text_completion',
  generateContent: 'generate_content',
  embeddings: 'embeddings',
} as const;

/** Ward's own attributes on the runner's spans (sandbox-runner emits them, the collector reads them). */
export const WARD = {
  command: 'ward.command',
  argv: 'ward.argv',
  cwd: 'ward.cwd',
  workspace: 'ward.workspace',
  sessionId: 'ward.session.id',
  agent: 'ward.agent',
  exitCode: 'ward.exit_code',
  signal: 'ward.signal',
  durationMs: 'ward.duration_ms',
  decision: 'ward.decision',
  decisionSource: 'ward.decision.source',
  ruleIds: 'ward.rule_ids',
  risk: 'ward.risk',
  sandboxed: 'ward.sandboxed',
  networkAttempts: 'ward.network.attempts',
  fileChanges: 'ward.file_changes',
  /** File changes beyond those listed in ward.file_changes (a span stays well under the server's body limit). */
  fileChangesOmitted: 'ward.file_changes.omitted',
  killedBy: 'ward.killed_by',
  /** How the sandbox's limits were enforced: a cgroup bounding it in total, or per-process rlimits only. */
  limitsBy: 'ward.limits_by',
  /** The most memory the whole sandbox held at once (its cgroup's peak), when measured. */
  memoryPeakBytes: 'ward.memory.peak_bytes',
  violationKind: 'ward.violation.kind',
  violationDetail: 'ward.violation.detail',
  netHost: 'ward.net.host',
  netPort: 'ward.net.port',
  netDecision: 'ward.net.decision',
  netBytesIn: 'ward.net.bytes_in',
  netBytesOut: 'ward.net.bytes_out',
  approvalId: 'ward.approval.id',
  approvalStatus: 'ward.approval.status',
  approvalScope: 'ward.approval.scope',
  approvalDecidedBy: 'ward.approval.decided_by',
  approvalReason: 'ward.approval.reason',
  grantId: 'ward.grant.id',
  grantPrefix: 'ward.grant.prefix',
  grantScope: 'ward.grant.scope',
  filePath: 'ward.file.path',
  /** false when the gate (or a human) refused the command: nothing ran, the exit code is 126. */
  ran: 'ward.ran',
} as const;

/** Span names Ward's runner emits. */
export const WARD_SPANS = {
  command: 'ward.exec',
  network: 'ward.network',
  approval: 'ward.approval',
} as const;

/** Span event names Ward's runner emits for sandbox violations and network attempts. */
export const WARD_SPAN_EVENTS = {
  violation: 'ward.sandbox_violation',
  network: 'ward.network_attempt',
  fileChange: 'ward.file_change',
} as const;

/**
 * Where the analyzer's scoring read puts a file write's or a fetch's arguments (the agent's tool_input,
 * function_args or arguments): the one attribute it reads, so a rule can look at what was written, not only where,
 * and at what a fetch sent, not only to whom.
 */
export const WRITE_ARGUMENTS = 'ward.write_arguments';

/**
 * What only the server writes on an event: the id and name of the token that sent it. OTLP ingest stamps
 * `ward.ingest.*` on every event (and drops keys of these names a record carries), the hook endpoint's record of
 * a decision carries `ward.hook.*`, and an approval's rows carry the token that requested it as `ward.ingest.*`.
 */
export const SENDER_ATTRS = {
  id: 'ward.ingest.token_id',
  name: 'ward.ingest.token_name',
  hookId: 'ward.hook.token_id',
  hookName: 'ward.hook.token_name',
} as const;

/**
 * The sender of OTLP events a loopback peer sent with no token (local mode's open ingest): anyone on the machine,
 * an agent holding its runner's token included, so it stands for no one in particular.
 */
export const LOOPBACK_SENDER = 'loopback';

/**
 * Whether a sender is a token of its own: not tokenless loopback ingest (anyone on the machine), not '' (the
 * server's own events, or stored before senders were). A session more than one such sender named is contested.
 */
export function isTokenSender(sender: string): boolean {
  return sender !== '' && sender !== LOOPBACK_SENDER;
}

/** The id of the token that sent an event; '' for one the server made without a request (or stored before). */
export function senderOf(e: { attributes: Readonly<Record<string, string>> }): string {
  return e.attributes[SENDER_ATTRS.id] || e.attributes[SENDER_ATTRS.hookId] || '';
}
