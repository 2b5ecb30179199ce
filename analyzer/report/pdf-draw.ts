import type PDFDocument from 'pdfkit';
import type { Table } from './tables.js';
import { inert } from './text.js';

type Doc = InstanceType<typeof PDFDocument>;

/**
 * Text the standard PDF fonts can show: control characters made inert, the report's cut marker '…' as '...',
 * anything else beyond Latin-1 as '?'.
 */
export function pdfText(v: unknown): string {
  return inert(v)
    .replaceAll('\u2026', '...')
    .replace(/[^\u0020-\u007e\u00a0-\u00ff]/g, '?');
}

function clip(doc: Doc, text: string, width: number): string {
  if (doc.widthOfString(text) <= width) return text;
  let lo = 0;
  let hi = text.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (doc.widthOfString(`${text.slice(0, mid)}...`) <= width) lo = mid;
    else hi = mid - 1;
  }
  return `${text.slice(0, lo)}...`;
}

/** Ensures `h` points are left on the page, else starts a new one. */
export function room(doc: Doc, h: number): void {
  if (doc.y + h > doc.page.height - doc.page.margins.bottom) doc.addPage();
}

const ROW_H = 13;

/**
 * Draws a table with a shaded header repeated on each page. Column widths follow the longest cell (capped);
 * cells longer than their column end in "...". At most `maxRows` rows, with a note saying how many more.
 */
export function drawTable(doc: Doc, t: Table, maxRows: number): void {
  const left = doc.page.margins.left;
  const width = doc.page.width - left - doc.page.margins.right;
  const rows = t.rows.slice(0, maxRows).map((r) => r.map(pdfText));
  const header = t.columns.map(pdfText);
  doc.font('Helvetica-Bold').fontSize(7.5);
  const headerWidths = header.map((h) => doc.widthOfString(h));
  doc.font('Helvetica');
  const want = header.map(
    (_, i) =>
      Math.min(220, Math.max(headerWidths[i] ?? 0, ...rows.map((r) => doc.widthOfString(r[i] ?? '')))) + 8,
  );
  const total = want.reduce((a, b) => a + b, 0);
  const widths = want.map((w) => (total > width ? (w / total) * width : w));
  const drawHeader = () => {
    doc
      .rect(
        left,
        doc.y,
        widths.reduce((a, b) => a + b, 0),
        ROW_H,
      )
      .fill('#dde3ea');
    doc.fillColor('#000').font('Helvetica-Bold');
    let x = left;
    const y = doc.y;
    header.forEach((h, i) => {
      doc.text(clip(doc, h, (widths[i] ?? 0) - 6), x + 3, y + 3, { lineBreak: false });
      x += widths[i] ?? 0;
    });
    doc.font('Helvetica');
    doc.y = y + ROW_H;
  };
  room(doc, ROW_H * 3);
  drawHeader();
  rows.forEach((row, ri) => {
    if (doc.y + ROW_H > doc.page.height - doc.page.margins.bottom) {
      doc.addPage();
      drawHeader();
    }
    const y = doc.y;
    if (ri % 2 === 1)
      doc
        .rect(
          left,
          y,
          widths.reduce((a, b) => a + b, 0),
          ROW_H,
        )
        .fill('#f4f6f8');
    doc.fillColor('#000');
    let x = left;
    row.forEach((c, i) => {
      doc.text(clip(doc, c, (widths[i] ?? 0) - 6), x + 3, y + 3, { lineBreak: false });
      x += widths[i] ?? 0;
    });
    doc.y = y + ROW_H;
  });
  if (rows.length === 0) {
    doc.text('(none in this period)', left + 3, doc.y + 3, { lineBreak: false });
    doc.y += ROW_H;
  }
  const notes = [
    t.note,
    t.rows.length > maxRows ? `${t.rows.length - maxRows} more rows in the JSON and CSV formats` : undefined,
  ].filter(Boolean);
  if (notes.length) {
    doc.fillColor('#555').text(pdfText(notes.join('; ')), left, doc.y + 2, { width });
    doc.fillColor('#000');
  }
  doc.x = left;
  doc.y += 8;
}

/** A bar chart of events per day with the blocked ones stacked in red, axis labels and a legend. */
export function drawDailyChart(
  doc: Doc,
  data: { day: string; events: number; denied: number }[],
  period: { from: string; to: string },
): void {
  const days = everyDay(data, period);
  const left = doc.page.margins.left + 30;
  const w = doc.page.width - left - doc.page.margins.right;
  const h = 150;
  room(doc, h + 50);
  doc
    .font('Helvetica-Bold')
    .fontSize(9)
    .text('Events per day (blocked in red)', doc.page.margins.left, doc.y);
  const top = doc.y + 6;
  const max = Math.max(1, ...days.map((d) => d.events));
  doc.font('Helvetica').fontSize(7);
  for (let i = 0; i <= 4; i++) {
    const y = top + h - (h * i) / 4;
    doc
      .moveTo(left, y)
      .lineTo(left + w, y)
      .lineWidth(0.3)
      .strokeColor('#bbb')
      .stroke();
    doc.fillColor('#333').text(String(Math.round((max * i) / 4)), doc.page.margins.left, y - 3, {
      width: 26,
      align: 'right',
      lineBreak: false,
    });
  }
  const slot = days.length > 0 ? w / days.length : w;
  const bar = Math.min(40, Math.max(0.5, slot * 0.7));
  days.forEach((d, i) => {
    const x = left + i * slot + (slot - bar) / 2;
    const eh = (h * d.events) / max;
    const dh = (h * d.denied) / max;
    doc.rect(x, top + h - eh, bar, eh).fill('#4a78b0');
    if (dh > 0) doc.rect(x, top + h - dh, bar, dh).fill('#c0392b');
  });
  const every = Math.max(1, Math.ceil(days.length / 12));
  doc.fillColor('#333');
  days.forEach((d, i) => {
    if (i % every === 0)
      doc.text(d.day, left + i * slot, top + h + 3, { width: Math.max(slot * every, 40), lineBreak: false });
  });
  if (days.length === 0) doc.text('no events in this period', left + 4, top + h / 2, { lineBreak: false });
  doc.fillColor('#000');
  doc.x = doc.page.margins.left;
  doc.y = top + h + 20;
}

/** One entry per UTC day of the period (zero where nothing happened), so the x axis is the period. */
function everyDay(
  data: { day: string; events: number; denied: number }[],
  period: { from: string; to: string },
): { day: string; events: number; denied: number }[] {
  const byDay = new Map(data.map((d) => [d.day, d]));
  const out: { day: string; events: number; denied: number }[] = [];
  const start = Date.parse(period.from.slice(0, 10));
  const end = Date.parse(period.to);
  for (let t = start; t < end && out.length < 1200; t += 86_400_000) {
    const day = new Date(t).toISOString().slice(0, 10);
    out.push(byDay.get(day) ?? { day, events: 0, denied: 0 });
  }
  return out;
}
