import type { OtlpResource } from '../../schema/index.js';
import { OTEL } from '../../schema/index.js';
import { str } from './values.js';

/** Which agent sent a resource's telemetry: codex, claude-code, gemini-cli, ward, else its service.name. */
export function detectAgent(serviceName: string): string {
  const s = serviceName.trim();
  const lower = s.toLowerCase();
  if (
    lower === 'codex_cli_rs' ||
    lower === 'codex' ||
    lower.startsWith('codex-') ||
    lower.startsWith('codex_')
  ) {
    return 'codex';
  }
  if (lower === 'claude-code' || lower === 'claude_code') return 'claude-code';
  if (lower === 'gemini-cli' || lower === 'gemini_cli') return 'gemini-cli';
  if (lower === 'ward' || lower.startsWith('ward-')) return 'ward';
  return s;
}

/** Facts every event of one resource shares. */
export interface ResourceInfo {
  agent: string;
  agentVersion: string;
  /** Set when the agent did not export its own version (Gemini's service.version is the Node version). */
  versionMissing: boolean;
  host: string;
  userId: string;
  sessionId: string;
  cwd: string;
  repo: string;
}

export function resourceInfo(resource: OtlpResource): ResourceInfo {
  const a = resource.attributes;
  const agent = detectAgent(str(a, OTEL.serviceName));
  let agentVersion = str(a, OTEL.serviceVersion);
  let versionMissing = false;
  const runtime = str(a, 'process.runtime.version');
  if (
    agent === 'gemini-cli' &&
    runtime !== '' &&
    (agentVersion === runtime || agentVersion === `v${runtime}`)
  ) {
    agentVersion = '';
    versionMissing = true;
  }
  return {
    agent,
    agentVersion,
    versionMissing,
    host: str(a, OTEL.hostName),
    userId: str(a, OTEL.userId, OTEL.userEmail, OTEL.userName),
    sessionId: str(a, OTEL.sessionId),
    cwd: str(a, OTEL.processCwd),
    repo: str(a, OTEL.vcsRepositoryUrl),
  };
}
