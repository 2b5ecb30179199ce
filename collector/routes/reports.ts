import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ReportScope, Store } from '../../store/index.js';
import type { Authorize } from '../middleware/auth.js';
import { listParam, parsePeriod } from './period-query.js';

export const REPORT_FORMATS = ['json', 'csv', 'pdf'] as const;
export type ReportFileFormat = (typeof REPORT_FORMATS)[number];

const MEDIA: Record<ReportFileFormat, { type: string; ext: string }> = {
  json: { type: 'application/json', ext: 'json' },
  csv: { type: 'application/zip', ext: 'zip' },
  pdf: { type: 'application/pdf', ext: 'pdf' },
};

/** Report building and signing, supplied by the composition root (the builders live in analyzer/). */
export interface ReportService {
  render(scope: ReportScope, format: ReportFileFormat): Promise<Uint8Array>;
  /** The signed envelope of a rendered file: digest, signature, public key, generation time. */
  envelope(bytes: Uint8Array, format: ReportFileFormat): Record<string, unknown> & { digest: string };
}

/**
 * GET /api/reports/compliance?from&to&agent&repo&user&format=json|csv|pdf[&envelope=1]: the report file as an
 * attachment (its signed envelope in the X-Ward-Report-Envelope header, base64url JSON), or the envelope
 * alone. Compliance and admin only; every export is audited before it is served (an export that cannot be
 * audited is not served).
 */
export function reportRoutes(deps: {
  reports: ReportService;
  store: Pick<Store, 'audit'>;
  authorize: Authorize;
  /** Reports built at once (each scans the period's events); more are refused with 503. Default 2. */
  maxConcurrent?: number;
}) {
  const app = new Hono();
  const max = deps.maxConcurrent ?? 2;
  let running = 0;
  app.get('/reports/compliance', deps.authorize('exportReports'), async (c) => {
    const period = parsePeriod(c.req.query('from'), c.req.query('to'));
    const format = (c.req.query('format') ?? 'json') as ReportFileFormat;
    if (!REPORT_FORMATS.includes(format))
      throw new HTTPException(400, { message: 'format must be json, csv or pdf' });
    const envelope = c.req.query('envelope');
    if (envelope !== undefined && envelope !== '1' && envelope !== '0')
      throw new HTTPException(400, { message: 'envelope must be 1 or 0' });
    const scope: ReportScope = {
      ...period,
      agents: listParam(c.req.queries('agent'), 'agent'),
      repos: listParam(c.req.queries('repo'), 'repo'),
      users: listParam(c.req.queries('user'), 'user'),
    };
    if (running >= max)
      throw new HTTPException(503, { message: `${max} reports are being built; retry in a few seconds` });
    running++;
    let bytes: Uint8Array;
    try {
      bytes = await deps.reports.render(scope, format);
    } finally {
      running--;
    }
    const signed = deps.reports.envelope(bytes, format);
    await deps.store.audit.append({
      actor: c.get('principal').name,
      action: envelope === '1' ? 'report.envelope' : 'report.exported',
      target: `compliance.${format}`,
      details: { ...scope, format, digest: signed.digest, size: bytes.length },
    });
    if (envelope === '1') return c.json(signed);
    const name = `ward-compliance-${scope.from.slice(0, 10)}-${scope.to.slice(0, 10)}.${MEDIA[format].ext}`;
    return c.body(new Uint8Array(bytes), 200, {
      'content-type': MEDIA[format].type,
      'content-disposition': `attachment; filename="${name}"`,
      'x-content-type-options': 'nosniff',
      'cache-control': 'no-store',
      // The envelope of exactly these bytes: a period that includes "now" changes with every export (each is
      // audited), so a second request could not be signed for the first one's file.
      'x-ward-report-envelope': Buffer.from(JSON.stringify(signed)).toString('base64url'),
    });
  });
  return app;
}
