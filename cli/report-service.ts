import { renderComplianceReport, signReport } from '../analyzer/index.js';
import type { ReportService } from '../collector/index.js';
import type { Store } from '../store/index.js';

/** The server's report builder and signer (analyzer/report) over its store and data dir key. */
export function createReportService(store: Store): ReportService {
  return {
    render: (scope, format) => renderComplianceReport(store, scope, format),
    envelope: (bytes, format) => signReport(bytes, format, store.signer, new Date()),
  };
}
