import { type Api, errorText } from '../lib/api.js';
import type { AuditVerify, RetentionAnswer } from '../lib/types.js';
import { Resource } from './resource.svelte.js';

/** Period and scope of a compliance report (URL query). */
export interface ReportScope {
  from: string;
  to: string;
  agent: string;
  repo: string;
  user: string;
}

/** Default period: the last 30 days up to now. */
export function defaultScope(now = Date.now()): ReportScope {
  return {
    from: new Date(now - 30 * 86400_000).toISOString(),
    to: new Date(now).toISOString(),
    agent: '',
    repo: '',
    user: '',
  };
}

/** The compliance view: report preview (the JSON report), export links, audit chain and retention status. */
export class ComplianceState {
  scope = $state<ReportScope>(defaultScope());
  preview = new Resource<Record<string, unknown>>();
  audit = new Resource<AuditVerify>();
  retention = new Resource<RetentionAnswer>();
  /** Why the last export failed ('' when it did not). */
  exportError = $state('');
  #key = '';

  constructor(private readonly api: Api) {}

  async load(q: URLSearchParams): Promise<void> {
    const d = defaultScope();
    const scope: ReportScope = {
      from: q.get('from') || d.from,
      to: q.get('to') || d.to,
      agent: q.get('agent') ?? '',
      repo: q.get('repo') ?? '',
      user: q.get('user') ?? '',
    };
    const key = JSON.stringify(scope);
    if (key === this.#key) return;
    this.#key = key;
    this.scope = scope;
    await Promise.all([
      this.preview.run(() =>
        this.api.get<Record<string, unknown>>('/reports/compliance', { ...scope, format: 'json' }),
      ),
      this.audit.run(() => this.api.get<AuditVerify>('/audit/verify', { from: scope.from, to: scope.to })),
      this.retention.run(() => this.api.get<RetentionAnswer>('/retention')),
    ]);
  }

  /** The download URL of the report in one format (what the export link shows). */
  exportUrl(format: 'json' | 'csv' | 'pdf'): string {
    return this.api.url('/reports/compliance', { ...this.scope, format });
  }

  /** Downloads the report in one format (fetched with the session's key: the cookie alone opens nothing). */
  async exportFile(format: 'json' | 'csv' | 'pdf'): Promise<void> {
    this.exportError = '';
    try {
      await this.api.download('/reports/compliance', { ...this.scope, format });
    } catch (err) {
      this.exportError = errorText(err);
    }
  }
}
