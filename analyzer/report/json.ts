import type { ComplianceReport } from './model.js';

/** The report as JSON (UTF-8, two-space indent, fixed key order from the model): byte-stable. */
export function reportToJson(report: ComplianceReport): Uint8Array {
  return new TextEncoder().encode(`${JSON.stringify(report, null, 2)}\n`);
}
