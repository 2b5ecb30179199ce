import { zipSync } from 'fflate';
import type { ComplianceReport } from './model.js';
import { reportTables } from './tables.js';
import { inert } from './text.js';

/**
 * One RFC 4180 cell. Quoted when it holds the delimiter, a quote or a line break, and also `;` and tab: a
 * spreadsheet in a locale whose list separator is `;` (or one sniffing tabs) splits an unquoted cell there,
 * and the piece after `echo hi;` could start with `=`; quoted, the cell stays one field, whose start `inert`
 * already guards.
 */
export function csvCell(v: string | number | boolean | null): string {
  const s = inert(v, { csv: true });
  return /[",;\t\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

// Zip entries carry a DOS timestamp in local time: a date built from local fields reads back the same
// fields in every time zone, so the archive's bytes do not depend on the clock or the zone.
const FIXED_MTIME = new Date(1980, 0, 1, 0, 0, 0);

/** The report as a zip of CSV files (one per table, RFC 4180, CRLF), byte-stable. */
export function reportToCsvZip(report: ComplianceReport): Uint8Array {
  const files: Record<string, [Uint8Array, { mtime: Date }]> = {};
  const enc = new TextEncoder();
  reportTables(report).forEach((t, i) => {
    const lines = [t.columns, ...t.rows].map((row) => row.map(csvCell).join(','));
    const name = `${String(i + 1).padStart(2, '0')}-${t.name}.csv`;
    files[name] = [enc.encode(`${lines.join('\r\n')}\r\n`), { mtime: FIXED_MTIME }];
  });
  return zipSync(files, { level: 6 });
}
