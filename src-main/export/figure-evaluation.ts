// How well embeddings separate the user's labels, as a figure: the confusion matrices of the kNN
// classifier and the linear probe side by side (counts in the cells, shaded by the share of the true
// class), and per-class accuracy of both as grouped bars below.
import { interpolateBlues, scaleLinear } from 'd3';
import { tickText } from './figure-axes.ts';
import { fitText, textWidth, type Primitive, type Scene } from './figure-scene.ts';
import { categoryColour, STYLE } from './figure-style.ts';

export interface ClassifierPanel {
  /** e.g. 'kNN (k=10, cosine)'. */
  title: string;
  accuracy: number;
  perClass: Record<string, number>;
  /** Rows true class, columns predicted, in `classes` order. */
  confusion: number[][];
}

export interface EvaluationFigureInput {
  classes: string[];
  /** Labelled items per class. */
  counts: number[];
  runId?: number;
  knn: ClassifierPanel;
  probe: ClassifierPanel;
}

const PAD = 6;
const MAX_LABEL = 80;
const SLANT = 45;

export function buildEvaluationFigure(input: EvaluationFigureInput, widthIn: number): Scene {
  const c = input.classes.length;
  if (c === 0) throw new RangeError('no classes to plot');
  for (const p of [input.knn, input.probe]) {
    if (p.confusion.length !== c || p.confusion.some((row) => row.length !== c)) throw new RangeError(`${p.title}: confusion matrix is not ${c} x ${c}`);
  }
  const width = widthIn * 72;
  const items: Primitive[] = [];
  const names = input.classes.map((name) => fitText(name, STYLE.tickFont, MAX_LABEL));
  const widest = Math.max(...names.map((name) => textWidth(name, STYLE.tickFont)));
  // Slanted column labels need this much height below an axis.
  const slantDrop = widest * Math.sin((SLANT * Math.PI) / 180) + STYLE.tickFont + 4;

  // Two confusion matrices side by side.
  const gap = 18;
  const panelWidth = (width - 2 * PAD - gap) / 2;
  const rowLabels = widest + 4;
  const yTitle = STYLE.labelFont + 4;
  const side = Math.max(20, Math.min(panelWidth - yTitle - rowLabels - 4, 220));
  const cell = side / c;
  const matrixTop = PAD + STYLE.labelFont + 6;
  [input.knn, input.probe].forEach((panel, k) => {
    const x0 = PAD + k * (panelWidth + gap);
    const mx = x0 + yTitle + rowLabels;
    items.push({ kind: 'text', x: x0, y: PAD + STYLE.labelFont, text: fitText(`${panel.title}: ${percent(panel.accuracy)} correct`, STYLE.labelFont, panelWidth, true), size: STYLE.labelFont, bold: true });
    for (let t = 0; t < c; t++) {
      const total = panel.confusion[t].reduce((a, b) => a + b, 0);
      for (let p = 0; p < c; p++) {
        const count = panel.confusion[t][p];
        // Shade by the share of the true class, so small classes read as clearly as large ones;
        // a single-hue ramp stays ordered for every colour vision.
        const share = total > 0 ? count / total : 0;
        const x = mx + p * cell;
        const y = matrixTop + t * cell;
        items.push({ kind: 'rect', x, y, width: cell, height: cell, fill: hex(interpolateBlues(0.05 + 0.9 * share)) });
        if (cell >= 9) {
          const size = Math.min(STYLE.tickFont, cell * 0.45);
          items.push({ kind: 'text', x: x + cell / 2, y: y + cell / 2 + size * 0.35, text: String(count), size, anchor: 'middle', color: share > 0.55 ? '#FFFFFF' : STYLE.text });
        }
      }
      items.push({ kind: 'text', x: mx - 3, y: matrixTop + (t + 0.5) * cell + STYLE.tickFont * 0.35, text: names[t], size: STYLE.tickFont, anchor: 'end' });
    }
    items.push({ kind: 'rect', x: mx, y: matrixTop, width: side, height: side, stroke: STYLE.frame, strokeWidth: STYLE.axisLine });
    for (let p = 0; p < c; p++) items.push(slanted(mx + (p + 0.5) * cell, matrixTop + side + 3, names[p]));
    items.push({ kind: 'text', x: mx + side / 2, y: matrixTop + side + slantDrop + STYLE.labelFont, text: 'Predicted class', size: STYLE.labelFont, anchor: 'middle' });
    items.push({ kind: 'text', x: x0 + STYLE.labelFont, y: matrixTop + side / 2, text: 'True class', size: STYLE.labelFont, anchor: 'middle', rotate: -90 });
  });

  // Per-class accuracy (recall) of both classifiers.
  const barsTop = matrixTop + side + slantDrop + STYLE.labelFont + 16;
  const y = scaleLinear().domain([0, 1]).range([barsTop + 110, barsTop]);
  const fmt = tickText(y, 5);
  const tickWidth = Math.max(...y.ticks(5).map((t) => textWidth(fmt(t), STYLE.tickFont)));
  const legendWidth = 14 + Math.max(...[input.knn, input.probe].map((p) => textWidth(legendName(p.title), STYLE.legendFont)));
  const bx = PAD + STYLE.labelFont + 4 + tickWidth + STYLE.tickLength + 2;
  const bw = width - bx - PAD - legendWidth - 8;
  const bottom = y(0);
  const group = bw / c;
  const bar = Math.min(14, group * 0.38);
  for (const t of y.ticks(5)) {
    items.push({ kind: 'line', x1: bx, y1: y(t), x2: bx + bw, y2: y(t), stroke: STYLE.grid, width: 0.4 });
    items.push({ kind: 'line', x1: bx - STYLE.tickLength, y1: y(t), x2: bx, y2: y(t), stroke: STYLE.frame, width: STYLE.axisLine });
    items.push({ kind: 'text', x: bx - STYLE.tickLength - 2, y: y(t) + STYLE.tickFont * 0.35, text: fmt(t), size: STYLE.tickFont, anchor: 'end' });
  }
  [input.knn, input.probe].forEach((panel, k) => {
    input.classes.forEach((name, t) => {
      const value = panel.perClass[name] ?? 0;
      const x = bx + t * group + group / 2 + (k === 0 ? -bar : 0);
      items.push({ kind: 'rect', x, y: y(value), width: bar, height: bottom - y(value), fill: barColour(k) });
    });
  });
  items.push({ kind: 'line', x1: bx, y1: bottom, x2: bx + bw, y2: bottom, stroke: STYLE.frame, width: STYLE.axisLine });
  items.push({ kind: 'line', x1: bx, y1: y(1), x2: bx, y2: bottom, stroke: STYLE.frame, width: STYLE.axisLine });
  input.classes.forEach((_, t) => items.push(slanted(bx + (t + 0.5) * group, bottom + 3, countedName(names[t], input.counts[t]))));
  items.push({ kind: 'text', x: PAD + STYLE.labelFont, y: (y(0) + y(1)) / 2, text: 'Accuracy per class', size: STYLE.labelFont, anchor: 'middle', rotate: -90 });
  const lx = bx + bw + 10;
  [input.knn, input.probe].forEach((panel, k) => {
    const ly = barsTop + STYLE.legendFont + k * (STYLE.legendFont + 4);
    items.push({ kind: 'rect', x: lx, y: ly - STYLE.legendFont * 0.75, width: 8, height: STYLE.legendFont * 0.75, fill: barColour(k) });
    items.push({ kind: 'text', x: lx + 11, y: ly, text: legendName(panel.title), size: STYLE.legendFont });
  });
  const countWidth = Math.max(...input.classes.map((_, t) => textWidth(countedName(names[t], input.counts[t]), STYLE.tickFont)));
  const height = bottom + countWidth * Math.sin((SLANT * Math.PI) / 180) + STYLE.tickFont + 4 + PAD;
  return { width, height, title: input.runId !== undefined ? `Label evaluation of run ${input.runId}` : 'Label evaluation', background: STYLE.background, items };
}

/** A category label under an axis, slanted down to the left so long names do not collide. */
function slanted(x: number, y: number, text: string): Primitive {
  return { kind: 'text', x: x + STYLE.tickFont * 0.3, y: y + STYLE.tickFont * 0.7, text, size: STYLE.tickFont, anchor: 'end', rotate: -SLANT };
}

function countedName(name: string, count: number | undefined): string {
  return count === undefined ? name : `${name} (${count})`;
}

function legendName(title: string): string {
  return title.replace(/\s*\(.*\)$/, '');
}

function barColour(k: number): string {
  return categoryColour(k === 0 ? 0 : 4);
}

function percent(v: number): string {
  return `${(v * 100).toFixed(1)}%`;
}

/** d3's 'rgb(r, g, b)' as '#RRGGBB', which every backend takes. */
function hex(rgb: string): string {
  const m = /rgb\((\d+),\s*(\d+),\s*(\d+)\)/.exec(rgb);
  if (!m) return rgb;
  return `#${[m[1], m[2], m[3]].map((v) => Number(v).toString(16).padStart(2, '0')).join('')}`;
}
