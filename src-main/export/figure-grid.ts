// A grid of labelled thumbnails: the layout shared by the similarity gallery and the contact sheet.
import { fitText, wrapText, type Primitive } from './figure-scene.ts';
import { STYLE } from './figure-style.ts';
import type { FigureThumb } from './figure-thumbnail.ts';

export interface GridCell {
  thumb: FigureThumb | null;
  /**
   * Caption lines under the image: the first kept to one line, the second (a name) wrapped onto two
   * when it is too long for the cell, so neighbouring captions never run into each other.
   */
  lines: string[];
  frame?: string;
  bold?: boolean;
}

export function columnsFor(widthIn: number, count: number): number {
  return Math.max(1, Math.min(count, Math.round(widthIn / 0.85)));
}

/** Draws the cells from y = top; returns the primitives and the bottom edge. */
export function drawGrid(cells: readonly GridCell[], width: number, top: number, columns: number): { items: Primitive[]; bottom: number } {
  const gap = 4;
  const cellW = (width - 2 * gap - (columns - 1) * gap) / columns;
  const lineH = STYLE.captionFont + 1.5;
  const captions = cells.map((c) => {
    const [first, second] = c.lines;
    // A little narrower than the cell, so neighbouring captions keep a gap.
    const room = cellW - 3;
    const out = first === undefined ? [] : [fitText(first, STYLE.captionFont, room, c.bold)];
    if (second !== undefined) out.push(...wrapText(second, STYLE.captionFont, room, 2, false, true));
    return out;
  });
  const captionH = Math.max(2, ...captions.map((l) => l.length)) * lineH + 2;
  const items: Primitive[] = [];
  cells.forEach((c, i) => {
    const col = i % columns;
    const row = Math.floor(i / columns);
    const x = gap + col * (cellW + gap);
    const y = top + row * (cellW + captionH + gap);
    if (c.thumb) {
      const s = Math.max(c.thumb.width, c.thumb.height);
      const w = (cellW * c.thumb.width) / s;
      const h = (cellW * c.thumb.height) / s;
      items.push({ kind: 'image', x: x + (cellW - w) / 2, y: y + (cellW - h) / 2, width: w, height: h, png: c.thumb.png, pixelated: true });
    } else {
      items.push({ kind: 'rect', x, y, width: cellW, height: cellW, fill: '#EEEEEE' });
      items.push({ kind: 'text', x: x + cellW / 2, y: y + cellW / 2, text: 'no preview', size: STYLE.captionFont, anchor: 'middle', color: STYLE.muted });
    }
    items.push({ kind: 'rect', x, y, width: cellW, height: cellW, stroke: c.frame ?? STYLE.grid, strokeWidth: c.frame ? 1.2 : 0.5 });
    captions[i].forEach((line, k) => {
      items.push({ kind: 'text', x: x + cellW / 2, y: y + cellW + (k + 1) * lineH, text: line, size: STYLE.captionFont, anchor: 'middle', bold: c.bold && k === 0 });
    });
  });
  const rows = Math.ceil(cells.length / columns);
  return { items, bottom: top + rows * (cellW + captionH + gap) };
}
