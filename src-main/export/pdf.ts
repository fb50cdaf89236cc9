// A scene as PDF through pdfkit: vector paths, text in the standard Helvetica (no font to embed, text
// stays searchable and selectable), thumbnails as embedded PNG images. Page size = figure size.
import PDFDocument from 'pdfkit';
import { PDF_FONT, textWidth, tracePolyline, type Primitive, type Scene } from './figure-scene.ts';

export async function renderPdf(scene: Scene): Promise<Uint8Array> {
  const doc = new PDFDocument({
    size: [scene.width, scene.height], margin: 0, autoFirstPage: true, compress: true,
    info: { Title: scene.title, Producer: 'Astromorph (pdfkit)', Creator: 'Astromorph' },
  });
  // A fixed creation date would make files reproducible, but PDF readers show it; keep the real one.
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<void>((resolve, reject) => {
    doc.on('end', () => resolve());
    doc.on('error', reject);
  });
  doc.rect(0, 0, scene.width, scene.height).fill(scene.background);
  for (const p of scene.items) draw(doc, p);
  doc.end();
  await done;
  return new Uint8Array(Buffer.concat(chunks));
}

function draw(doc: PDFKit.PDFDocument, p: Primitive): void {
  switch (p.kind) {
    case 'text': {
      const font = p.bold ? PDF_FONT.bold : PDF_FONT.regular;
      const w = textWidth(p.text, p.size, p.bold);
      const dx = p.anchor === 'middle' ? -w / 2 : p.anchor === 'end' ? -w : 0;
      doc.save();
      if (p.rotate) doc.rotate(p.rotate, { origin: [p.x, p.y] });
      doc.font(font).fontSize(p.size).fillColor(p.color ?? '#000000')
        .text(p.text, p.x + dx, p.y, { lineBreak: false, baseline: 'alphabetic' });
      doc.restore();
      return;
    }
    case 'line':
      doc.save();
      if (p.dash) doc.dash(p.dash[0]!, { space: p.dash[1] ?? p.dash[0]! });
      doc.moveTo(p.x1, p.y1).lineTo(p.x2, p.y2).lineWidth(p.width).strokeColor(p.stroke).stroke();
      doc.restore();
      return;
    case 'polyline':
      tracePolyline(p.points, (move, x, y) => (move === 'L' ? doc.lineTo(x, y) : doc.moveTo(x, y)));
      doc.lineWidth(p.width).lineJoin('round').strokeColor(p.stroke).stroke();
      return;
    case 'rect':
      doc.rect(p.x, p.y, p.width, p.height);
      if (p.fill && p.stroke) doc.lineWidth(p.strokeWidth ?? 0.5).fillAndStroke(p.fill, p.stroke);
      else if (p.fill) doc.fill(p.fill);
      else if (p.stroke) doc.lineWidth(p.strokeWidth ?? 0.5).stroke(p.stroke);
      return;
    case 'circle':
      doc.circle(p.cx, p.cy, p.r);
      if (p.stroke) doc.lineWidth(p.strokeWidth ?? 0.5).fillAndStroke(p.fill, p.stroke);
      else doc.fill(p.fill);
      return;
    case 'image':
      doc.image(Buffer.from(p.png), p.x, p.y, { width: p.width, height: p.height });
      return;
  }
}
