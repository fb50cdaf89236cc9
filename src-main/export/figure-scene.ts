// A figure as a list of drawing primitives in points (1/72 in), origin top left, y downwards. The
// SVG, PDF and PNG backends draw the same scene, so the three formats agree; text stays text (vector)
// in SVG and PDF. Text is measured with the PDF's own Helvetica metrics (pdfkit's AFM tables), and
// the SVG asks for Helvetica or a metric-compatible face (Arial, Liberation Sans).
import PDFDocument from 'pdfkit';

export type Anchor = 'start' | 'middle' | 'end';

export type Primitive =
  /** y is the text's baseline; rotate in degrees, clockwise, about (x, y). */
  | { kind: 'text'; x: number; y: number; text: string; size: number; anchor?: Anchor; bold?: boolean; color?: string; rotate?: number }
  | { kind: 'line'; x1: number; y1: number; x2: number; y2: number; stroke: string; width: number; dash?: number[] }
  /** x0, y0, x1, y1, …; a NaN pair breaks the line. */
  | { kind: 'polyline'; points: number[]; stroke: string; width: number }
  | { kind: 'rect'; x: number; y: number; width: number; height: number; fill?: string; stroke?: string; strokeWidth?: number }
  | { kind: 'circle'; cx: number; cy: number; r: number; fill: string; stroke?: string; strokeWidth?: number }
  /** A PNG drawn into the box; pixelated keeps hard pixel edges (thumbnails), smooth interpolates (colour bars). */
  | { kind: 'image'; x: number; y: number; width: number; height: number; png: Uint8Array; pixelated?: boolean };

export interface Scene {
  /** Points. */
  width: number;
  height: number;
  title: string;
  background: string;
  items: Primitive[];
}

/**
 * A polyline's points as pen moves, the one reading of its NaN breaks that every backend follows:
 * 'M' starts a stroke (the first finite point, or the first after a break), 'L' continues it.
 */
export function tracePolyline(points: number[], visit: (move: 'M' | 'L', x: number, y: number) => void): void {
  let pen = false;
  for (let i = 0; i + 1 < points.length; i += 2) {
    const x = points[i]!;
    const y = points[i + 1]!;
    if (!Number.isFinite(x) || !Number.isFinite(y)) {
      pen = false;
      continue;
    }
    visit(pen ? 'L' : 'M', x, y);
    pen = true;
  }
}

export const FONT_FAMILY = "Helvetica, Arial, 'Liberation Sans', 'Nimbus Sans', 'DejaVu Sans', sans-serif";
export const PDF_FONT = { regular: 'Helvetica', bold: 'Helvetica-Bold' } as const;

let measurer: PDFKit.PDFDocument | null = null;

/** Width in points of text set in Helvetica at `size` pt. */
export function textWidth(text: string, size: number, bold = false): number {
  measurer ??= new PDFDocument({ autoFirstPage: false });
  measurer.font(bold ? PDF_FONT.bold : PDF_FONT.regular).fontSize(size);
  return measurer.widthOfString(text);
}

/** Shortens text with an ellipsis to fit `width` points. */
export function fitText(text: string, size: number, width: number, bold = false): string {
  if (textWidth(text, size, bold) <= width) return text;
  let lo = 0;
  let hi = text.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (textWidth(`${text.slice(0, mid)}...`, size, bold) <= width) lo = mid;
    else hi = mid - 1;
  }
  return `${text.slice(0, lo)}...`;
}

/**
 * Breaks text into at most `maxLines` lines of `width` points: at spaces, or in a file name after
 * '_', '-', '.' or '/', else anywhere. Text left over is cut with an ellipsis: at the end, or with
 * `keepEnd` in the middle of the last line (a file name keeps its ending).
 */
export function wrapText(text: string, size: number, width: number, maxLines: number, bold = false, keepEnd = false): string[] {
  const lines: string[] = [];
  let rest = text;
  while (rest !== '' && lines.length < maxLines) {
    if (textWidth(rest, size, bold) <= width) {
      lines.push(rest);
      rest = '';
      break;
    }
    if (lines.length === maxLines - 1) {
      if (keepEnd) {
        let kept = 0;
        while (kept < rest.length && textWidth(`...${rest.slice(rest.length - kept - 1)}`, size, bold) <= width) kept++;
        lines.push(`...${rest.slice(rest.length - kept)}`);
      } else {
        lines.push(fitText(rest, size, width, bold));
      }
      rest = '';
      break;
    }
    // The longest prefix that fits, then back to the last break character in it.
    let fit = 1;
    while (fit < rest.length && textWidth(rest.slice(0, fit + 1), size, bold) <= width) fit++;
    const head = rest.slice(0, fit);
    const cut = Math.max(head.lastIndexOf(' '), ...['_', '-', '.', '/'].map((c) => head.lastIndexOf(c) + 1));
    const at = cut > fit / 3 ? cut : fit;
    lines.push(rest.slice(0, at).trimEnd());
    rest = rest.slice(at).trimStart();
  }
  return lines;
}
