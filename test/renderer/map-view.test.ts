// The scatter map's pan/zoom transform, hover hit-testing and lasso selection.
import { describe, expect, it } from 'vitest';
import { fitTransform, insidePolygon, lassoSelect, panBy, PointGrid, toData, toScreen, zoomAt } from '../../src-renderer/lib/map-view.ts';

function randomPoints(n: number, seed = 7): Float32Array {
  let s = seed;
  const next = () => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32);
  const out = new Float32Array(2 * n);
  for (let i = 0; i < out.length; i++) out[i] = next() * 200 - 100;
  return out;
}

describe('map transform', () => {
  it('fits the points into the screen with y up', () => {
    const coords = new Float32Array([-1, -2, 3, 4]);
    const t = fitTransform(coords, 800, 600, 20);
    const [x0, y0] = toScreen(t, -1, -2);
    const [x1, y1] = toScreen(t, 3, 4);
    expect(y0).toBeGreaterThan(y1); // larger y is higher on screen
    for (const v of [x0, x1]) expect(v).toBeGreaterThanOrEqual(19.99);
    for (const v of [x0, x1]) expect(v).toBeLessThanOrEqual(780.01);
    expect(Math.min(y0, y1)).toBeCloseTo(20, 5);
    expect(Math.max(y0, y1)).toBeCloseTo(580, 5);
  });

  it('zooms about the cursor, keeping the data point under it fixed, and pans', () => {
    const t = { scale: 3, tx: 100, ty: 200 };
    const before = toData(t, 321, 123);
    const z = zoomAt(t, 321, 123, 2.5);
    expect(z.scale).toBe(7.5);
    const after = toData(z, 321, 123);
    expect(after[0]).toBeCloseTo(before[0], 10);
    expect(after[1]).toBeCloseTo(before[1], 10);
    const p = panBy(z, 10, -5);
    const [sx, sy] = toScreen(p, after[0], after[1]);
    expect(sx).toBeCloseTo(331, 8);
    expect(sy).toBeCloseTo(118, 8);
  });
});

describe('hover hit-testing', () => {
  it('finds the same nearest point as a brute-force scan, or none beyond the radius', () => {
    const coords = randomPoints(20_000);
    const grid = new PointGrid(coords);
    const probes = randomPoints(300, 99);
    for (let p = 0; p < 300; p++) {
      const x = probes[2 * p], y = probes[2 * p + 1];
      const radius = 0.8;
      let best = -1, bestD = radius * radius;
      for (let i = 0; i < 20_000; i++) {
        const d = (coords[2 * i] - x) ** 2 + (coords[2 * i + 1] - y) ** 2;
        if (d <= bestD) { bestD = d; best = i; }
      }
      const got = grid.nearest(x, y, radius);
      if (best === -1) expect(got).toBe(-1);
      else expect((coords[2 * got] - x) ** 2 + (coords[2 * got + 1] - y) ** 2).toBeCloseTo(bestD, 6);
    }
  });

  it('ignores points without coordinates (NaN)', () => {
    const grid = new PointGrid(new Float32Array([NaN, NaN, 2, 2, 3, 3]));
    expect(grid.nearest(2.1, 2, 0.5)).toBe(1);
    expect(grid.nearest(0, 0, 0.5)).toBe(-1);
  });

  it('lists the points in a rectangle as a scan does, and stops past the limit', () => {
    const coords = randomPoints(20_000);
    const grid = new PointGrid(coords);
    const [x0, y0, x1, y1] = [-30, -50, 20, 10];
    const inside: number[] = [];
    for (let i = 0; i < 20_000; i++) {
      const x = coords[2 * i], y = coords[2 * i + 1];
      if (x >= x0 && x <= x1 && y >= y0 && y <= y1) inside.push(i);
    }
    expect(inside.length).toBeGreaterThan(10);
    expect(grid.within(x0, y0, x1, y1, 1e9)).toEqual(inside);
    const few = grid.within(x0, y0, x1, y1, 5);
    expect(few).toHaveLength(6);
    for (const i of few) expect(inside).toContain(i);
    expect(new PointGrid(new Float32Array([NaN, NaN, 2, 2])).within(-10, -10, 10, 10, 10)).toEqual([1]);
  });

  it('copes with identical points', () => {
    const grid = new PointGrid(new Float32Array([1, 1, 1, 1, 1, 1]));
    expect(grid.nearest(1.1, 1, 0.5)).toBeGreaterThanOrEqual(0);
    expect(grid.nearest(5, 5, 0.5)).toBe(-1);
  });
});

describe('lasso', () => {
  it('tests points against a concave polygon', () => {
    // A "C" shape: the notch (2, 2) is outside.
    const c = [0, 0, 4, 0, 4, 1, 1, 1, 1, 3, 4, 3, 4, 4, 0, 4];
    expect(insidePolygon(0.5, 2, c)).toBe(true);
    expect(insidePolygon(2, 2, c)).toBe(false);
    expect(insidePolygon(2, 0.5, c)).toBe(true);
    expect(insidePolygon(5, 2, c)).toBe(false);
  });

  it('selects exactly the points inside the lasso', () => {
    const coords = randomPoints(5000, 3);
    const square = [-10, -10, 10, -10, 10, 10, -10, 10];
    const got = lassoSelect(coords, square);
    const expected: number[] = [];
    for (let i = 0; i < 5000; i++) {
      if (Math.abs(coords[2 * i]) < 10 && Math.abs(coords[2 * i + 1]) < 10) expected.push(i);
    }
    expect(got).toEqual(expected);
    expect(lassoSelect(coords, [0, 0, 1, 1])).toEqual([]);
  });
});

describe('marker stamps', () => {
  it('fills a disc and rims it', async () => {
    const { markerStamp } = await import('../../src-renderer/lib/map-view.ts');
    const s = markerStamp(5, 1);
    const fill: number[] = [], rim: number[] = [];
    for (let k = 0; k < s.offsets.length; k += 3) (s.offsets[k + 2] ? rim : fill).push(Math.hypot(s.offsets[k], s.offsets[k + 1]));
    expect(fill.length).toBeGreaterThan(12);
    expect(Math.max(...fill)).toBeLessThanOrEqual(2.5);
    expect(Math.min(...rim)).toBeGreaterThan(Math.max(...fill) - 1);
    expect(rim.length).toBeGreaterThan(8);
    expect(markerStamp(1, 0).offsets).toEqual(Int16Array.from([0, 0, 0]));
    expect(markerStamp(5, 1)).toBe(s);
  });
});

describe('dense drawing', () => {
  it('writes each point as a square at its screen place, selected ones last and white; off-screen ones not at all', async () => {
    const { drawDense } = await import('../../src-renderer/lib/map-view.ts');
    const w = 20, h = 10;
    const px = new Uint32Array(w * h);
    // Data (0,0) at screen (10,5), 1 px per unit, y up.
    const t = { scale: 1, tx: 10, ty: 5 };
    const coords = new Float32Array([0, 0, 3, 2, 100, 0, 3, 2]);
    const colours = Uint32Array.from([1, 2, 3, 4]);
    const r = drawDense(px, w, h, coords, colours, Uint8Array.from([0, 1, 0, 0]), t, 1, 2, 9);
    expect(r.visible).toBe(3);
    expect(r.first).toEqual([0, 3, 1]);
    // Point 0: a 2 x 2 square whose top-left is (9, 4).
    expect([px[4 * w + 9], px[4 * w + 10], px[5 * w + 9], px[5 * w + 10]]).toEqual([1, 1, 1, 1]);
    // Points 1 and 3 share a place: the selected one (1) is drawn last, in the selection colour.
    expect(px[2 * w + 12]).toBe(9);
    expect(px.filter((v) => v === 3)).toHaveLength(0);
  });
});
