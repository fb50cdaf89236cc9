import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  colormapLut, COLORMAPS, minMaxLimits, percentileLimits, renderRgba, stretchValue, STRETCHES, zscaleLimits,
} from '../../../src-main/dataset/display.ts';

// Expected values below come from astropy 5.2.1 (astropy.visualization) on the same arrays.
function wavy(): Float64Array {
  const v = new Float64Array(5000);
  for (let i = 0; i < v.length; i++) v[i] = Math.sin(i * 0.37) * 10 + (i % 97) + (i % 1013 === 0 ? 1000 : 0);
  v[7] = Number.NaN;
  return v;
}

describe('display limits', () => {
  it('zscale matches astropy ZScaleInterval', () => {
    const a = zscaleLimits(wavy());
    expect(a.min).toBeCloseTo(-9.717370027881342, 9);
    expect(a.max).toBeCloseTo(243.4320388781785, 9);
    const w = Float64Array.from({ length: 300 }, (_, j) => Math.exp(j / 40));
    const b = zscaleLimits(w);
    expect(b.min).toBeCloseTo(1.0, 12);
    expect(b.max).toBeCloseTo(948.6833266599408, 9);
  });

  it('percentile limits match astropy PercentileInterval (numpy linear interpolation), ignoring NaN', () => {
    const p = percentileLimits(wavy(), 0.5, 99.5);
    expect(p.min).toBeCloseTo(-7.773636804131113, 9);
    expect(p.max).toBeCloseTo(103.99975249272767, 9);
  });

  it('handles all-NaN and constant data without producing NaN limits', () => {
    const nan = new Float32Array(10).fill(Number.NaN);
    expect(percentileLimits(nan)).toEqual({ min: 0, max: 1 });
    expect(zscaleLimits(nan)).toEqual({ min: 0, max: 1 });
    expect(minMaxLimits(nan)).toEqual({ min: 0, max: 1 });
    expect(percentileLimits(new Float32Array(10).fill(3))).toEqual({ min: 3, max: 3 });
    expect(minMaxLimits(Float32Array.of(2, -1, 5))).toEqual({ min: -1, max: 5 });
  });
});

describe('stretches', () => {
  it('match astropy AsinhStretch and LogStretch defaults', () => {
    const asinh = [0, 0.25, 0.5, 1].map((t) => stretchValue(t, 'asinh'));
    const log = [0, 0.25, 0.5, 1].map((t) => stretchValue(t, 'log'));
    [0, 0.54940249, 0.77126964, 1].forEach((want, i) => expect(asinh[i]).toBeCloseTo(want, 7));
    [0, 0.79977552, 0.89981571, 1].forEach((want, i) => expect(log[i]).toBeCloseTo(want, 7));
    expect(stretchValue(0.25, 'sqrt')).toBe(0.5);
  });

  it('are monotonic from 0 to 1', () => {
    for (const s of STRETCHES) {
      let last = -1;
      for (let i = 0; i <= 100; i++) {
        const v = stretchValue(i / 100, s);
        expect(v).toBeGreaterThan(last);
        last = v;
      }
      expect(stretchValue(0, s)).toBe(0);
      expect(stretchValue(1, s)).toBeCloseTo(1, 12);
    }
  });
});

describe('colormaps and rendering', () => {
  it('has 256-entry LUTs with matplotlib end points', () => {
    for (const c of COLORMAPS) expect(colormapLut(c).length).toBe(256 * 3);
    const hex = (lut: Uint8Array, i: number): string => [...lut.slice(i * 3, i * 3 + 3)].map((b) => b.toString(16).padStart(2, '0')).join('');
    expect(hex(colormapLut('viridis'), 0)).toBe('440154');
    expect(hex(colormapLut('viridis'), 255)).toBe('fde725');
    expect(hex(colormapLut('magma'), 0)).toBe('000004');
    expect(hex(colormapLut('inferno'), 255)).toBe('fcffa4');
    expect(hex(colormapLut('gray'), 128)).toBe('808080');
    expect(hex(colormapLut('plasma'), 0)).toBe('0d0887');
  });

  it("has DS9's heat, cool, b, bb and he as DS9 defines them", () => {
    const rgb = (name: Parameters<typeof colormapLut>[0], i: number) => [...colormapLut(name).slice(i * 3, i * 3 + 3)];
    // heat: red saturates at 0.34, blue rises only from 0.65; all end white.
    expect(rgb('heat', 0)).toEqual([0, 0, 0]);
    expect(rgb('heat', 87)).toEqual([255, 87, 0]);
    expect(rgb('heat', 255)).toEqual([255, 255, 255]);
    // b: blue peaks at a quarter, then red, then green and blue again.
    expect(rgb('b', 64)).toEqual([1, 0, 254]);
    expect(rgb('b', 128)).toEqual([255, 2, 0]);
    expect(rgb('bb', 128)).toEqual([255, 129, 1]);
    expect(rgb('cool', 135)).toEqual([13, 107, 255]);
    // he: the steep start of each channel.
    expect(rgb('he', 4)[0]).toBe(128);
    for (const name of ['heat', 'cool', 'b', 'bb', 'he', 'cubehelix'] as const) expect(rgb(name, 255)).toEqual([255, 255, 255]);
  });

  it('renders through a given table instead of the colormap', () => {
    const lut = new Uint8Array(256 * 3);
    for (let i = 0; i < 256; i++) lut[i * 3] = 255 - i;
    const rgba = renderRgba(Float32Array.of(0, 10), { limits: { min: 0, max: 10 }, colormap: 'viridis', lut });
    expect([...rgba]).toEqual([255, 0, 0, 255, 0, 0, 0, 255]);
  });

  it('maps values through limits, stretch and colormap; NaN gets the NaN colour; flipY puts row 0 at the bottom', () => {
    const data = Float32Array.of(0, 5, 10, Number.NaN, 20, -3);
    const rgba = renderRgba(data, { limits: { min: 0, max: 10 }, colormap: 'gray', nanColor: [255, 0, 0, 128] });
    expect([...rgba.slice(0, 4)]).toEqual([0, 0, 0, 255]);
    expect([...rgba.slice(4, 8)]).toEqual([128, 128, 128, 255]);
    expect([...rgba.slice(8, 12)]).toEqual([255, 255, 255, 255]);
    expect([...rgba.slice(12, 16)]).toEqual([255, 0, 0, 128]);
    expect([...rgba.slice(16, 20)]).toEqual([255, 255, 255, 255]); // clipped high
    expect([...rgba.slice(20, 24)]).toEqual([0, 0, 0, 255]); // clipped low
    const flipped = renderRgba(Float32Array.of(0, 0, 10, 10), { limits: { min: 0, max: 10 }, width: 2, flipY: true });
    expect([...flipped.filter((_, i) => i % 4 === 0)]).toEqual([255, 255, 0, 0]);
    const sqrt = renderRgba(Float32Array.of(2.5), { limits: { min: 0, max: 10 }, stretch: 'sqrt', colormap: 'viridis' });
    const lut = colormapLut('viridis');
    expect([...sqrt.slice(0, 3)]).toEqual([...lut.slice(128 * 3, 128 * 3 + 3)]);
  });

  it('display.ts stays Node-free so the renderer can import it', () => {
    for (const f of ['display.ts', 'colormap.ts', 'zscale.ts']) {
      const src = fs.readFileSync(new URL(`../../../src-main/dataset/${f}`, import.meta.url), 'utf8');
      expect(src).not.toMatch(/from ['"]node:/);
      expect(src).not.toMatch(/from ['"](fs|path|os|worker_threads|pngjs|better-sqlite3)['"]/);
      for (const m of src.matchAll(/from '(\.[^']+)'/g)) expect(['./colormap.ts', './zscale.ts', './display.ts']).toContain(m[1]);
    }
  });
});
