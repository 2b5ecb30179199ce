import PDFDocument from 'pdfkit';
import { type ComplianceReport, SECTIONS } from './model.js';
import { drawDailyChart, drawTable, pdfText, room } from './pdf-draw.js';
import { reportTables } from './tables.js';

const MAX_ROWS = 80;

const INTRO: Record<string, string> = {
  summary:
    "Counts over the period and scope. Every figure below comes from Ward's store; the JSON format holds the same data.",
  agent_activity:
    'What each agent did: events, sessions, commands, tool calls, and what the gate asked about or denied.',
  arrivals:
    'Events count in the period Ward received them in, a time the agent cannot set. Each also carries the time it claims; one claiming a time before this period (a late arrival: that earlier report could not show it), after it, or far from its arrival is listed here with both times.',
  approvals:
    'Every request sent to a human: who decided, why, and how long it took. Expired requests were denied by timeout.',
  blocked: 'Actions the gate denied and sandbox violations (blocked file, process or network access).',
  alerts: 'Detections raised in the period and what happened to them.',
  policy_versions:
    'Digests of the effective approval policy the server loaded (audit records policy.loaded).',
  retention:
    'Days each table keeps its rows (TTL); the mapped controls require at least six months for logs.',
  audit:
    'The audit trail is a SHA-256 hash chain per writer with Ed25519-signed checkpoints; this is the result of walking it.',
  controls:
    "The evidence behind each control and, plainly, what is missing. Ward's reports are aligned with these frameworks; they do not certify compliance.",
};

/**
 * The report as a PDF: a title page summary, one section per report part with readable tables, a chart of
 * daily activity, and "page N of M" footers. The document's dates are the period end, so the same report
 * gives the same bytes.
 */
export function reportToPdf(report: ComplianceReport): Promise<Uint8Array> {
  const fixed = new Date(Number.isNaN(Date.parse(report.period.to)) ? 0 : Date.parse(report.period.to));
  const doc = new PDFDocument({
    size: 'A4',
    layout: 'landscape',
    margin: 36,
    bufferPages: true,
    compress: true,
    info: {
      Title: `Ward compliance report ${report.period.from} - ${report.period.to}`,
      Author: 'Ward',
      Creator: 'Ward',
      Producer: 'Ward (pdfkit)',
      CreationDate: fixed,
      ModDate: fixed,
    },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Uint8Array>((resolve, reject) => {
    doc.on('end', () => resolve(new Uint8Array(Buffer.concat(chunks))));
    doc.on('error', reject);
  });

  doc.font('Helvetica-Bold').fontSize(18).text('Ward compliance report');
  doc.font('Helvetica').fontSize(10).moveDown(0.3);
  doc.text(pdfText(`Period: ${report.period.from} to ${report.period.to} (UTC, end exclusive)`));
  const sc = report.scope;
  doc.text(
    pdfText(
      `Scope: agents ${sc.agents.join(', ') || 'all'}; repos ${sc.repos.join(', ') || 'all'}; users ${sc.users.join(', ') || 'all'}`,
    ),
  );
  doc.text(`Schema: ${report.schema} ${report.schema_version}. Signed envelope: see ward report verify.`);
  doc.moveDown(0.8);

  const tables = reportTables(report);
  for (const [key, title] of SECTIONS) {
    room(doc, key === 'agent_activity' ? 280 : 100);
    doc.font('Helvetica-Bold').fontSize(13).fillColor('#1d3557').text(title, doc.page.margins.left, doc.y);
    doc
      .fillColor('#000')
      .font('Helvetica')
      .fontSize(8.5)
      .text(INTRO[key] ?? '', { width: doc.page.width - 72 });
    doc.moveDown(0.4);
    if (key === 'agent_activity') drawDailyChart(doc, report.daily, report.period);
    if (key === 'controls') {
      for (const c of report.controls) {
        room(doc, 60);
        doc
          .font('Helvetica-Bold')
          .fontSize(9.5)
          .text(pdfText(`${c.framework} ${c.id} - ${c.title}: ${c.status.toUpperCase()}`));
        doc.font('Helvetica').fontSize(8);
        for (const e of c.evidence) doc.text(pdfText(`+ ${e}`), { indent: 10 });
        for (const g of c.gaps)
          doc
            .fillColor('#a00')
            .text(pdfText(`- missing: ${g}`), { indent: 10 })
            .fillColor('#000');
        doc.moveDown(0.4);
      }
      continue;
    }
    for (const t of tables.filter((x) => x.section === key)) {
      room(doc, 40);
      doc.font('Helvetica-Bold').fontSize(9).text(pdfText(t.title), doc.page.margins.left, doc.y);
      doc.moveDown(0.2);
      drawTable(doc, t, MAX_ROWS);
    }
    doc.moveDown(0.6);
  }

  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc.font('Helvetica').fontSize(8).fillColor('#555');
    doc.text(
      `Ward compliance report - page ${i + 1} of ${range.count}`,
      doc.page.margins.left,
      doc.page.height - 24,
      {
        width: doc.page.width - 72,
        align: 'center',
        lineBreak: false,
      },
    );
    doc.page.margins.bottom = bottom;
  }
  doc.end();
  return done;
}
