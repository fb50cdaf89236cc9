// The embedding map: one point per item on the 2-D map (t-SNE, UMAP or PCA), coloured by a category
// (cluster, tag; Okabe-Ito with a legend) or by a value (outlier score; viridis/cividis with a colour
// bar), optionally with thumbnails placed at well-separated points.
import type { Colormap } from '../dataset/index.ts';
import { drawAxes, extent, leftMargin, makeAxes, tickText, BOTTOM_MARGIN } from './figure-axes.ts';
import { fitText, textWidth, type Primitive, type Scene } from './figure-scene.ts';
import { categoryColour, NEUTRAL, OKABE_ITO, STYLE } from './figure-style.ts';
import { colourBarPng, type FigureThumb } from './figure-thumbnail.ts';
import { scaleLinear } from 'd3';
import { colormapLut } from '../dataset/index.ts';

export type MapColouring =
  | { kind: 'none' }
  /** null = unlabelled (noise), drawn grey. */
  | { kind: 'category'; title: string; labels: readonly (string | null)[] }
  | { kind: 'value'; title: string; values: ArrayLike<number>; colormap: Colormap };

export interface MapFigureInput {
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  /** 'UMAP', 't-SNE', 'PC'; axes read "UMAP 1", "UMAP 2". */
  axisName: string;
  /** Appended to the axis titles, e.g. ' (arbitrary units)' or per-axis variance for PCA. */
  axisUnits?: [string, string];
  colouring: MapColouring;
  /** The thumbnail of point i, asked only for the points that get one; null where an item has none. */
  thumbnail?: (index: number) => FigureThumb | null;
  /** At most this many thumbnails (0 = none). */
  maxThumbnails?: number;
  /**
   * 'separated' (default): thumbnails at well-separated points, framed in the point's colour.
   * 'every' (the paper's Figure 2): a thumbnail at every point (up to maxThumbnails), unframed and
   * free to overlap, the brighter (FigureThumb.brightness) drawn over the fainter.
   */
  thumbnailLayout?: 'separated' | 'every';
}

const MAX_CATEGORIES = OKABE_ITO.length - 1; // the last colour (black) is kept for "other"

export function buildMapFigure(input: MapFigureInput, widthIn: number): Scene {
  const n = input.x.length;
  if (input.y.length !== n) throw new RangeError(`map has ${n} x and ${input.y.length} y values`);
  const width = widthIn * 72;
  const items: Primitive[] = [];
  const xd = extent(input.x);
  const yd = extent(input.y);

  // Right-hand key: legend or colour bar.
  let keyWidth = 0;
  let categories: { label: string; colour: string; count: number }[] = [];
  const colourOf = new Array<string>(n).fill(STYLE.text);
  if (input.colouring.kind === 'category') {
    const counts = new Map<string, number>();
    for (const l of input.colouring.labels) if (l !== null) counts.set(l, (counts.get(l) ?? 0) + 1);
    const ranked = [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    // The most populous categories get colours; they are listed in natural order (cluster 2 before 10).
    const kept = ranked.slice(0, ranked.length > MAX_CATEGORIES + 1 ? MAX_CATEGORIES : MAX_CATEGORIES + 1)
      .sort((a, b) => a[0].localeCompare(b[0], 'en', { numeric: true }));
    const index = new Map(kept.map(([l], i) => [l, i]));
    categories = kept.map(([label, count], i) => ({ label, colour: categoryColour(i), count }));
    const others = ranked.length - kept.length;
    if (others > 0) categories.push({ label: `other (${others})`, colour: OKABE_ITO[OKABE_ITO.length - 1]!, count: 0 });
    if (input.colouring.labels.some((l) => l === null)) categories.push({ label: 'none', colour: NEUTRAL, count: 0 });
    input.colouring.labels.forEach((l, i) => {
      colourOf[i] = l === null ? NEUTRAL : index.has(l) ? categoryColour(index.get(l)!) : OKABE_ITO[OKABE_ITO.length - 1]!;
    });
    keyWidth = 14 + Math.max(textWidth(input.colouring.title, STYLE.legendFont, true), ...categories.map((c) => 10 + textWidth(fitText(c.label, STYLE.legendFont, 80), STYLE.legendFont)));
  } else if (input.colouring.kind === 'value') {
    const lut = colormapLut(input.colouring.colormap);
    const [lo, hi] = extent(input.colouring.values, 0);
    const t = scaleLinear().domain([lo, hi]).range([0, 255]).clamp(true);
    for (let i = 0; i < n; i++) {
      const v = input.colouring.values[i]!;
      if (!Number.isFinite(v)) {
        colourOf[i] = NEUTRAL;
        continue;
      }
      const k = Math.round(t(v));
      colourOf[i] = `#${[lut[k * 3]!, lut[k * 3 + 1]!, lut[k * 3 + 2]!].map((c) => c.toString(16).padStart(2, '0')).join('')}`;
    }
    keyWidth = 10 + 8 + 4 + 30 + STYLE.labelFont + 4;
  }

  const left = leftMargin(yd) + 2;
  const top = 6;
  const plotWidth = width - left - keyWidth - 8;
  const plotHeight = Math.min(plotWidth, width * 0.7);
  const box = { x: left, y: top, width: plotWidth, height: plotHeight };
  const height = top + plotHeight + BOTTOM_MARGIN + 4;
  const axes = makeAxes(box, xd, yd);
  const [ux, uy] = input.axisUnits ?? [' (arbitrary units)', ' (arbitrary units)'];
  items.push(...drawAxes(axes, `${input.axisName} 1${ux}`, `${input.axisName} 2${uy}`));

  // The paper's layout: every point's thumbnail (those points then need no dot), the faintest first.
  const maxThumbs = input.maxThumbnails ?? 0;
  const every: { i: number; cx: number; cy: number; t: FigureThumb }[] = [];
  if (input.thumbnail && maxThumbs > 0 && input.thumbnailLayout === 'every') {
    for (let i = 0; i < n && every.length < maxThumbs; i++) {
      const cx = axes.x(input.x[i]!);
      const cy = axes.y(input.y[i]!);
      if (!Number.isFinite(cx) || !Number.isFinite(cy)) continue;
      const t = input.thumbnail(i);
      if (t) every.push({ i, cx, cy, t });
    }
    // Stable: equal brightness keeps the map's order.
    every.sort((a, b) => (a.t.brightness ?? 0) - (b.t.brightness ?? 0));
  }
  const asThumbnail = new Set(every.map((e) => e.i));

  // Points: small, so thousands stay readable; noise under labelled points.
  const r = Math.max(0.7, Math.min(2.2, 60 / Math.sqrt(Math.max(1, n))));
  const order = [...Array(n).keys()].sort((a, b) => Number(colourOf[b] === NEUTRAL) - Number(colourOf[a] === NEUTRAL));
  for (const i of order) {
    if (asThumbnail.has(i)) continue;
    const x = input.x[i]!;
    const y = input.y[i]!;
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    items.push({ kind: 'circle', cx: axes.x(x), cy: axes.y(y), r, fill: colourOf[i]! });
  }

  if (every.length > 0) {
    // Smaller than separated ones: they overlap, and the masked noise lets the fainter show through.
    const size = Math.max(10, Math.min(28, plotWidth / 12));
    for (const { cx, cy, t } of every) {
      const s = Math.max(t.width, t.height);
      const w = (size * t.width) / s;
      const h = (size * t.height) / s;
      // Kept inside the plot: a thumbnail at the edge moves in rather than spilling over the axes.
      const x = Math.min(Math.max(cx - w / 2, box.x), box.x + box.width - w);
      const y = Math.min(Math.max(cy - h / 2, box.y), box.y + box.height - h);
      items.push({ kind: 'image', x, y, width: w, height: h, png: t.png, pixelated: true });
    }
  } else if (input.thumbnail && maxThumbs > 0 && input.thumbnailLayout !== 'every') {
    // Thumbnails at points taken first come first served, skipping any that would overlap one already placed.
    const size = Math.max(14, Math.min(36, plotWidth / 8));
    const placedAt: number[] = [];
    let placed = 0;
    for (let i = 0; i < n && placed < maxThumbs; i++) {
      const cx = axes.x(input.x[i]!);
      const cy = axes.y(input.y[i]!);
      if (!Number.isFinite(cx) || !Number.isFinite(cy) || cx - size / 2 < box.x || cx + size / 2 > box.x + box.width
        || cy - size / 2 < box.y || cy + size / 2 > box.y + box.height) continue;
      let overlaps = false;
      for (let k = 0; k < placedAt.length && !overlaps; k += 2) overlaps = Math.abs(placedAt[k]! - cx) < size + 1 && Math.abs(placedAt[k + 1]! - cy) < size + 1;
      if (overlaps) continue;
      const t = input.thumbnail(i);
      if (!t) continue;
      placedAt.push(cx, cy);
      const s = Math.max(t.width, t.height);
      const w = (size * t.width) / s;
      const h = (size * t.height) / s;
      items.push({ kind: 'image', x: cx - w / 2, y: cy - h / 2, width: w, height: h, png: t.png, pixelated: true });
      items.push({ kind: 'rect', x: cx - w / 2, y: cy - h / 2, width: w, height: h, stroke: input.colouring.kind === 'none' ? STYLE.frame : colourOf[i]!, strokeWidth: 0.8 });
      placed++;
    }
  }

  // Key.
  const kx = box.x + box.width + 10;
  if (input.colouring.kind === 'category') {
    let ky = box.y + STYLE.legendFont;
    items.push({ kind: 'text', x: kx, y: ky, text: input.colouring.title, size: STYLE.legendFont, bold: true });
    for (const c of categories) {
      ky += STYLE.legendFont + 3;
      items.push({ kind: 'circle', cx: kx + 3, cy: ky - STYLE.legendFont * 0.35, r: 2.5, fill: c.colour });
      items.push({ kind: 'text', x: kx + 9, y: ky, text: fitText(c.label, STYLE.legendFont, 80), size: STYLE.legendFont });
    }
  } else if (input.colouring.kind === 'value') {
    const [lo, hi] = extent(input.colouring.values, 0);
    const barH = Math.min(box.height * 0.8, 120);
    const by = box.y + (box.height - barH) / 2;
    items.push({ kind: 'image', x: kx, y: by, width: 8, height: barH, png: colourBarPng(input.colouring.colormap) });
    items.push({ kind: 'rect', x: kx, y: by, width: 8, height: barH, stroke: STYLE.frame, strokeWidth: STYLE.axisLine });
    const s = scaleLinear().domain([lo, hi]).range([by + barH, by]);
    const fmt = tickText(s, 4);
    let widest = 0;
    for (const t of s.ticks(4)) {
      items.push({ kind: 'line', x1: kx + 8, y1: s(t), x2: kx + 8 + STYLE.tickLength, y2: s(t), stroke: STYLE.frame, width: STYLE.axisLine });
      items.push({ kind: 'text', x: kx + 8 + STYLE.tickLength + 1.5, y: s(t) + STYLE.tickFont * 0.35, text: fmt(t), size: STYLE.tickFont });
      widest = Math.max(widest, textWidth(fmt(t), STYLE.tickFont));
    }
    items.push({ kind: 'text', x: kx + 8 + STYLE.tickLength + 3 + widest + STYLE.labelFont, y: by + barH / 2, text: input.colouring.title, size: STYLE.labelFont, anchor: 'middle', rotate: 90 });
  }
  return { width, height, title: `Embedding map (${input.axisName})`, background: STYLE.background, items };
}
