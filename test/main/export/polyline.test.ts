// A polyline's NaN pair breaks the line in every backend (a loss curve with a gap must not draw a
// straight segment across it): the SVG path restarts with a move, and the PDF draws one stroke per run.
import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { renderPdf, renderSvg } from '../../../src-main/export/index.ts';
import type { Scene } from '../../../src-main/export/figure-scene.ts';

const scene: Scene = {
  width: 100, height: 100, title: 'gap', background: '#ffffff',
  items: [{ kind: 'polyline', points: [NaN, 1, 10, 10, 20, 20, NaN, NaN, 30, 30, 40, 40, 50, Infinity], stroke: '#000000', width: 1 }],
};

describe('polyline breaks', () => {
  it('SVG: a move after every break, lines within a run, leading and trailing non-finite pairs skipped', () => {
    expect(renderSvg(scene)).toContain('<path d="M10 10 L20 20 M30 30 L40 40"');
  });

  it('PDF: the same pen moves as path operators', async () => {
    const pdf = Buffer.from(await renderPdf(scene));
    const text = pdf.toString('latin1');
    const ops: string[] = [];
    for (let at = text.indexOf('stream\n'); at >= 0; at = text.indexOf('stream\n', at + 1)) {
      const end = text.indexOf('\nendstream', at);
      if (end < 0) break;
      const body = inflateSync(pdf.subarray(at + 7, end)).toString('latin1');
      ops.push(...body.split('\n').filter((l) => / [ml]$/.test(l)));
    }
    expect(ops).toEqual(['10 10 m', '20 20 l', '30 30 m', '40 40 l']);
  });
});
