// The training loss curve: BYOL loss against training step, one line per run (Okabe-Ito), with
// epoch boundaries as faint dashed lines when there is a single run.
import { drawAxes, extent, leftMargin, makeAxes, BOTTOM_MARGIN } from './figure-axes.ts';
import { textWidth, type Primitive, type Scene } from './figure-scene.ts';
import { categoryColour, STYLE } from './figure-style.ts';

export interface LossCurve {
  label: string;
  steps: ArrayLike<number>;
  losses: ArrayLike<number>;
  /** Epoch of each point (for the epoch boundaries). */
  epochs?: ArrayLike<number>;
}

export function buildLossFigure(curves: readonly LossCurve[], widthIn: number): Scene {
  if (curves.length === 0 || curves.every((c) => c.steps.length === 0)) throw new RangeError('no loss values to plot');
  const width = widthIn * 72;
  const allSteps = curves.flatMap((c) => Array.from(c.steps));
  const allLosses = curves.flatMap((c) => Array.from(c.losses));
  const xd = extent(allSteps, 0.02);
  const yd = extent(allLosses, 0.06);
  const legend = curves.length > 1;
  const keyWidth = legend ? 16 + Math.max(...curves.map((c) => textWidth(c.label, STYLE.legendFont))) : 0;
  const left = leftMargin(yd) + 2;
  const box = { x: left, y: 6, width: width - left - keyWidth - 8, height: Math.min(width * 0.55, 260) };
  const axes = makeAxes(box, xd, yd);
  const items: Primitive[] = [];
  if (!legend && curves[0]!.epochs) {
    const c = curves[0]!;
    for (let i = 1; i < c.steps.length; i++) {
      if (c.epochs![i] !== c.epochs![i - 1]) {
        const x = axes.x((c.steps[i - 1]! + c.steps[i]!) / 2);
        items.push({ kind: 'line', x1: x, y1: box.y, x2: x, y2: box.y + box.height, stroke: STYLE.grid, width: 0.5, dash: [2, 2] });
      }
    }
  }
  items.push(...drawAxes(axes, 'Training step', 'BYOL loss (dimensionless)'));
  curves.forEach((c, k) => {
    const points: number[] = [];
    for (let i = 0; i < c.steps.length; i++) points.push(axes.x(c.steps[i]!), Number.isFinite(c.losses[i]!) ? axes.y(c.losses[i]!) : Number.NaN);
    items.push({ kind: 'polyline', points, stroke: legend ? categoryColour(k) : categoryColour(4), width: STYLE.dataLine });
  });
  if (legend) {
    const kx = box.x + box.width + 8;
    curves.forEach((c, k) => {
      const ky = box.y + STYLE.legendFont + k * (STYLE.legendFont + 3);
      items.push({ kind: 'line', x1: kx, y1: ky - 2.5, x2: kx + 10, y2: ky - 2.5, stroke: categoryColour(k), width: 1.5 });
      items.push({ kind: 'text', x: kx + 13, y: ky, text: c.label, size: STYLE.legendFont });
    });
  }
  return { width, height: box.y + box.height + BOTTOM_MARGIN + 4, title: 'Training loss', background: STYLE.background, items };
}
