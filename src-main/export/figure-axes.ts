// A plot frame: data ranges to points, ticks from d3's "nice" tick rules, and the axis lines, tick
// labels and axis titles as scene primitives.
import { scaleLinear, type ScaleLinear } from 'd3';
import type { Primitive } from './figure-scene.ts';
import { textWidth } from './figure-scene.ts';
import { STYLE } from './figure-style.ts';

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface Axes {
  x: ScaleLinear<number, number>;
  y: ScaleLinear<number, number>;
  box: Box;
}

/** Finite min and max, padded by `pad` of the span (or ±1 around a single value). */
export function extent(values: ArrayLike<number>, pad = 0.04): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (Number.isFinite(v)) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  if (lo === Infinity) return [0, 1];
  if (lo === hi) return [lo - 1, hi + 1];
  const d = (hi - lo) * pad;
  return [lo - d, hi + d];
}

export function makeAxes(box: Box, xDomain: [number, number], yDomain: [number, number]): Axes {
  return {
    box,
    x: scaleLinear().domain(xDomain).range([box.x, box.x + box.width]),
    y: scaleLinear().domain(yDomain).range([box.y + box.height, box.y]),
  };
}

/** d3's tick labels with an ASCII hyphen for minus: U+2212 is not in the PDF standard fonts' WinAnsi encoding. */
export function tickText(scale: ScaleLinear<number, number>, count: number): (v: number) => string {
  const f = scale.tickFormat(count);
  return (v) => f(v).replace(/\u2212/g, '-');
}

/** Left margin needed for y tick labels and the y title. */
export function leftMargin(yDomain: [number, number], ticks = 5): number {
  const s = scaleLinear().domain(yDomain);
  const fmt = tickText(s, ticks);
  const widest = Math.max(0, ...s.ticks(ticks).map((t) => textWidth(fmt(t), STYLE.tickFont)));
  return widest + STYLE.tickLength + 4 + STYLE.labelFont + 4;
}

export function drawAxes(a: Axes, xTitle: string, yTitle: string, opts: { xTicks?: number; yTicks?: number; showTickLabels?: boolean } = {}): Primitive[] {
  const out: Primitive[] = [];
  const { box } = a;
  const xt = opts.xTicks ?? Math.max(2, Math.round(box.width / 50));
  const yt = opts.yTicks ?? Math.max(2, Math.round(box.height / 40));
  const labels = opts.showTickLabels ?? true;
  out.push({ kind: 'rect', x: box.x, y: box.y, width: box.width, height: box.height, stroke: STYLE.frame, strokeWidth: STYLE.axisLine });
  const fx = tickText(a.x, xt);
  for (const t of a.x.ticks(xt)) {
    const px = a.x(t);
    out.push({ kind: 'line', x1: px, y1: box.y + box.height, x2: px, y2: box.y + box.height + STYLE.tickLength, stroke: STYLE.frame, width: STYLE.axisLine });
    if (labels) out.push({ kind: 'text', x: px, y: box.y + box.height + STYLE.tickLength + STYLE.tickFont + 1, text: fx(t), size: STYLE.tickFont, anchor: 'middle' });
  }
  const fy = tickText(a.y, yt);
  let widest = 0;
  for (const t of a.y.ticks(yt)) {
    const py = a.y(t);
    out.push({ kind: 'line', x1: box.x - STYLE.tickLength, y1: py, x2: box.x, y2: py, stroke: STYLE.frame, width: STYLE.axisLine });
    if (labels) {
      const text = fy(t);
      widest = Math.max(widest, textWidth(text, STYLE.tickFont));
      out.push({ kind: 'text', x: box.x - STYLE.tickLength - 2, y: py + STYLE.tickFont * 0.35, text, size: STYLE.tickFont, anchor: 'end' });
    }
  }
  const xTitleY = box.y + box.height + STYLE.tickLength + (labels ? STYLE.tickFont + 2 : 0) + STYLE.labelFont + 2;
  out.push({ kind: 'text', x: box.x + box.width / 2, y: xTitleY, text: xTitle, size: STYLE.labelFont, anchor: 'middle' });
  const yTitleX = box.x - STYLE.tickLength - 3 - widest - 3;
  out.push({ kind: 'text', x: yTitleX, y: box.y + box.height / 2, text: yTitle, size: STYLE.labelFont, anchor: 'middle', rotate: -90 });
  return out;
}

/** Space below the box for tick labels and the x title. */
export const BOTTOM_MARGIN = STYLE.tickLength + STYLE.tickFont + 2 + STYLE.labelFont + 6;
