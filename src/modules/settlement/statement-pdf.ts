import PDFDocument from 'pdfkit';
import type { ProducerStatement } from './domain/statement';

const MARGIN = 50;
const PAGE_WIDTH = 595.28; // A4, in points
const CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN;
const LABEL_WIDTH = 250;
const VALUE_X = MARGIN + LABEL_WIDTH + 10;
const VALUE_WIDTH = CONTENT_WIDTH - LABEL_WIDTH - 10;
/** Pages between two yields to the event loop while a large bundle renders. */
const PAGES_PER_SLICE = 50;

/**
 * Lays out statements, one A4 page each, in the standard Helvetica (WinAnsi: every letter of
 * Spanish). The words and figures come whole from `producerStatement`; nothing here computes.
 * Rendering is synchronous CPU work, so a bundle of thousands of pages yields between slices
 * and an API process running the job keeps answering requests.
 */
export async function renderStatementsPdf(
  statements: Iterable<ProducerStatement>,
  title: string,
): Promise<{ pdf: Buffer; pages: number }> {
  const doc = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    autoFirstPage: false,
    info: { Title: title, Author: 'Ayllu', Creator: 'Ayllu' },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  let pages = 0;
  for (const statement of statements) {
    doc.addPage();
    drawStatement(doc, statement);
    pages += 1;
    if (pages % PAGES_PER_SLICE === 0) await new Promise((resolve) => setImmediate(resolve));
  }
  if (pages === 0) doc.addPage();
  doc.end();
  return { pdf: await done, pages };
}

function drawStatement(doc: PDFKit.PDFDocument, statement: ProducerStatement): void {
  doc.font('Helvetica-Bold').fontSize(15).text(statement.title, MARGIN, MARGIN);
  doc.font('Helvetica').fontSize(9);
  for (const line of statement.heading) doc.text(line);

  for (const section of statement.sections) {
    doc.moveDown(0.8);
    doc.font('Helvetica-Bold').fontSize(10).text(section.title, MARGIN);
    doc
      .moveTo(MARGIN, doc.y + 1)
      .lineTo(MARGIN + CONTENT_WIDTH, doc.y + 1)
      .lineWidth(0.5)
      .stroke();
    doc.moveDown(0.3);
    doc.font('Helvetica').fontSize(9);
    for (const [label, value] of section.rows) row(doc, label, value);
  }

  doc.moveDown(1);
  doc.font('Helvetica-Bold').fontSize(13);
  row(doc, statement.total[0], statement.total[1]);

  doc.moveDown(1);
  doc.font('Helvetica').fontSize(7.5);
  for (const note of statement.notes) doc.text(note, MARGIN, doc.y, { width: CONTENT_WIDTH });
}

/** A label on the left and its figure on the right, on one line or wrapped side by side. */
function row(doc: PDFKit.PDFDocument, label: string, value: string): void {
  const top = doc.y;
  doc.text(label, MARGIN, top, { width: LABEL_WIDTH });
  const labelBottom = doc.y;
  doc.text(value, VALUE_X, top, { width: VALUE_WIDTH, align: 'right' });
  doc.x = MARGIN;
  doc.y = Math.max(labelBottom, doc.y);
}
