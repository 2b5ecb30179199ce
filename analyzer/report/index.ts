import type { ReportScope } from '../../store/index.js';
import { buildComplianceReport, type Progress, type ReportStore } from './build.js';
import { reportToCsvZip } from './csv.js';
import type { ReportFormat } from './envelope.js';
import { reportToJson } from './json.js';
import { reportToPdf } from './pdf.js';

export { buildComplianceReport, type Progress, type ReportStore } from './build.js';
export { mapControls } from './controls.js';
export { reportToCsvZip } from './csv.js';
export {
  type EnvelopeCheck,
  envelopeBody,
  fileDigest,
  REPORT_FORMATS,
  ReportEnvelope,
  type ReportFormat,
  signReport,
  verifyReport,
} from './envelope.js';
export { reportToJson } from './json.js';
export {
  type ComplianceReport,
  type ControlFinding,
  REPORT_SCHEMA,
  REPORT_SCHEMA_VERSION,
  SECTIONS,
} from './model.js';
export { reportToPdf } from './pdf.js';
export { ComplianceReportSchema, reportJsonSchema } from './report-schema.js';
export { reportTables } from './tables.js';

/** MIME type and file extension per format. */
export const REPORT_MEDIA: Record<ReportFormat, { type: string; ext: string }> = {
  json: { type: 'application/json', ext: 'json' },
  csv: { type: 'application/zip', ext: 'zip' },
  pdf: { type: 'application/pdf', ext: 'pdf' },
};

/** Builds and renders a report in one format. */
export async function renderComplianceReport(
  store: ReportStore,
  scope: ReportScope,
  format: ReportFormat,
  onProgress?: Progress,
): Promise<Uint8Array> {
  const report = await buildComplianceReport(store, scope, onProgress);
  if (format === 'json') return reportToJson(report);
  if (format === 'csv') return reportToCsvZip(report);
  return reportToPdf(report);
}
