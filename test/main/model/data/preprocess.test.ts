import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FitsError, HduList, writeImageFits } from '../../../../src-main/fits/index.ts';
import { ASINH_SOFTENING, finishStretch, skyLevel } from '../../../../src-main/model/data/normalise.ts';
import { loadSample, preprocess } from '../../../../src-main/model/data/preprocess.ts';
import { PlaneResampler } from '../../../../src-main/model/data/resample.ts';
import { DEFAULT_PREPROCESS, type PreprocessOptions } from '../../../../src-main/model/data/sample.ts';
import { orientationOf } from '../../../../src-main/model/data/polar.ts';
import { Rng } from '../../../../src-main/base/random.ts';
import { renderSyntheticItem } from '../../../../src-main/synthetic/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'preprocess-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const opts = (o: Partial<PreprocessOptions> = {}): PreprocessOptions => ({ ...DEFAULT_PREPROCESS, ...o });
const ramp = (w: number, h: number, f = (x: number, y: number) => x + w * y) => {
  const a = new Float32Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) a[y * w + x] = f(x, y);
  return a;
};

describe('preprocess', () => {
  it('masks NaN pixels, zeroes them, and keeps them out of the normalisation', () => {
    const clean = ramp(16, 16);
    const holed = clean.slice();
    for (let y = 4; y < 8; y++) for (let x = 4; x < 8; x++) holed[y * 16 + x] = NaN;
    holed[0] = Infinity;
    const s = preprocess(holed, [16, 16], opts({ size: 16, normalisation: 'minmax' }));
    expect(s.data.every(Number.isFinite)).toBe(true);
    expect(s.mask[5 * 16 + 5]).toBe(0);
    expect(s.data[5 * 16 + 5]).toBe(0);
    expect(s.mask[0]).toBe(0);
    expect(s.mask.reduce((a, b) => a + b, 0)).toBe(256 - 16 - 1);
    // min-max over the valid pixels: pixel 1 holds the minimum, the last pixel the maximum.
    expect(s.data[1]).toBeCloseTo(0, 6);
    expect(s.data[255]).toBeCloseTo(1, 6);
    expect(s.data[200]).toBeCloseTo((200 - 1) / 254, 5);
  });

  it('an all-blank image gives an all-masked, all-zero sample', () => {
    const s = preprocess(new Float32Array(64).fill(NaN), [8, 8], opts({ size: 8 }));
    expect(s.mask.every((m) => m === 0)).toBe(true);
    expect(s.data.every((v) => v === 0)).toBe(true);
  });

  it('asinh: sky level to 0, upper percentile to 1, lower percentile clipped, asinh in between', () => {
    const n = 101, a = new Float32Array(n * 2);
    for (let i = 0; i < n; i++) { a[i] = i; a[n + i] = i; } // 0..100 twice, 101 x 2 image
    const s = preprocess(a, [n, 2], opts({ size: n, clipPercentiles: [10, 90] }));
    // Placement: 101 x 2 -> 101 x 2 inside a 101 x 101 grid, centred on row 49.
    // Uniform values: 3-sigma clipping keeps them all, so the sky level is the median, 50.
    const row = 49 * n;
    const stretch = (x: number) => Math.asinh(x / ASINH_SOFTENING) / Math.asinh(1 / ASINH_SOFTENING);
    expect(s.data[row + 5]).toBeCloseTo(-1, 6);  // below the 10th percentile: clipped there
    expect(s.data[row + 95]).toBeCloseTo(1, 6);  // above the 90th: clipped to 1
    expect(s.data[row + 50]).toBeCloseTo(0, 6);
    expect(s.data[row + 70]).toBeCloseTo(stretch(0.5), 5);
    expect(s.data[row + 60]).toBeCloseTo(stretch(0.25), 5);
  });

  it('asinh: the sky maps to 0 at any noise level, under a bright source', () => {
    for (const snr of [10, 300]) {
      const img = renderSyntheticItem(3, 1, { ranges: { snr: [snr, snr] } });
      const s = preprocess(img.data, img.shape, opts({ size: 48 }));
      const corner: number[] = [];
      for (let y = 0; y < 6; y++) for (let x = 0; x < 6; x++) if (s.mask[y * 48 + x]) corner.push(s.data[y * 48 + x]!);
      const mean = corner.reduce((p, q) => p + q, 0) / corner.length;
      expect(Math.abs(mean), `snr ${snr}`).toBeLessThan(0.1);
      expect(Math.max(...s.data)).toBeCloseTo(1, 6);
    }
  });

  it('keeps the aspect ratio by padding with masked pixels, and area-averages when shrinking', () => {
    const rng = new Rng(1);
    const a = new Float32Array(64 * 32).map(() => rng.normal() + 3);
    const s = preprocess(a, [64, 32], opts({ size: 16, normalisation: 'minmax' }));
    for (let y = 0; y < 16; y++) {
      const rowValid = s.mask[y * 16] === 1;
      expect(rowValid, `row ${y}`).toBe(y >= 4 && y < 12);
      if (!rowValid) expect(s.data.subarray(y * 16, y * 16 + 16).every((v) => v === 0)).toBe(true);
    }
    // 4x4 area averages of unit-variance noise have mean 3 and standard deviation 1/4.
    const { values, coverage } = new PlaneResampler(64, 32, 16).resample(a);
    const inside = Array.from(values).filter((_, i) => coverage[i]! > 0.99);
    expect(inside).toHaveLength(128);
    const mean = inside.reduce((x, y) => x + y, 0) / 128;
    const sd = Math.sqrt(inside.reduce((x, y) => x + (y - mean) ** 2, 0) / 127);
    expect(mean).toBeCloseTo(3, 1);
    expect(sd).toBeGreaterThan(0.2);
    expect(sd).toBeLessThan(0.3);
    const tall = preprocess(new Float32Array(10 * 30).fill(1), [10, 30], opts({ size: 30 }));
    expect(tall.mask[15 * 30 + 9]).toBe(0);
    expect(tall.mask[15 * 30 + 10]).toBe(1);
    expect(tall.mask[15 * 30 + 19]).toBe(1);
    expect(tall.mask[15 * 30 + 20]).toBe(0);
  });

  it('resampling by area conserves the mean and bilinear upsampling reproduces a linear ramp', () => {
    const rng = new Rng(2);
    const a = new Float32Array(60 * 60).map(() => rng.uniform(0, 10));
    const sum = (x: ArrayLike<number>) => Array.from(x).reduce((p, q) => p + q, 0);
    for (const size of [20, 23, 7]) {
      const { values, coverage } = new PlaneResampler(60, 60, size).resample(a);
      expect(coverage.every((c) => Math.abs(c - 1) < 1e-9)).toBe(true);
      expect(sum(values) / size ** 2).toBeCloseTo(sum(a) / 3600, 4);
    }
    const big = preprocess(ramp(8, 8, (x) => x), [8, 8], opts({ size: 32, normalisation: 'minmax' }));
    // Interior columns of an upsampled ramp stay equally spaced.
    const row = 10 * 32;
    const d1 = big.data[row + 12]! - big.data[row + 11]!, d2 = big.data[row + 20]! - big.data[row + 19]!;
    expect(d1).toBeGreaterThan(0);
    expect(d2).toBeCloseTo(d1, 5);
  });

  it('squeezes degenerate axes: ALMA [x, y, 1, 1] equals the 2-D image', () => {
    const a = ramp(20, 24, (x, y) => Math.sin(x / 3) + y / 10);
    const flat = preprocess(a, [20, 24], opts({ size: 16 }));
    const fourD = preprocess(a, [20, 24, 1, 1], opts({ size: 16 }));
    expect(fourD.data).toEqual(flat.data);
    expect(() => preprocess(new Float32Array(5), [5, 1], opts())).toThrow(/too small/);
    expect(() => preprocess(new Float32Array(5), [4, 4], opts())).toThrow(/holds 16 values/);
  });

  it('bins cube planes into C channels (joint stretch) and replicates a 2-D image into every channel', () => {
    const W = 6, H = 6, N = 6;
    const cube = new Float32Array(W * H * N);
    for (let k = 0; k < N; k++) cube.fill(k, k * W * H, (k + 1) * W * H);
    const s = preprocess(cube, [W, H, N], opts({ size: 6, channels: 3, normalisation: 'minmax', cube: 'bin' }));
    expect(s.channels).toBe(3);
    expect(s.channelKind).toBe('spectral');
    // Means 0.5, 2.5, 4.5 -> min-max over all channels -> 0, 0.5, 1.
    expect(Array.from(s.data.subarray(0, 3)).map((v) => +v.toFixed(6))).toEqual([0, 0.5, 1]);
    const img = preprocess(ramp(6, 6), [6, 6], opts({ size: 6, channels: 3, cube: 'bin' }));
    for (let i = 0; i < 36; i++) {
      expect(img.data[i * 3]).toBe(img.data[i * 3 + 1]);
      expect(img.data[i * 3]).toBe(img.data[i * 3 + 2]);
    }
    // Fewer planes than channels: nearest plane repeated.
    const two = preprocess(cube.subarray(0, W * H * 2), [W, H, 2], opts({ size: 6, channels: 4, normalisation: 'minmax', cube: 'bin' }));
    expect(Array.from(two.data.subarray(0, 4))).toEqual([0, 0, 1, 1]);
  });

  it('spectrum (the default): C channels on the line, the same whatever the axis type, direction and systemic velocity', () => {
    // One Gaussian line of sigma 1.5 km/s at v0, in cubes of 24 planes of 1 km/s: as VRAD ascending,
    // as FREQ (so velocity descending) with RESTFRQ, and at another systemic velocity and band.
    const W = 8, H = 8, N = 24, rest = 230.538e9, c = 299792.458;
    const make = (name: string, v0: number, vStart: number, axis: 'VRAD' | 'FREQ'): string => {
      const velocity = (k: number) => (axis === 'VRAD' ? vStart + k : vStart + (N - 1 - k)); // km/s of plane k
      const cube = new Float32Array(W * H * N);
      for (let k = 0; k < N; k++) for (let i = 0; i < W * H; i++) {
        const x = i % W, y = Math.floor(i / W), r2 = (x - 3.5) ** 2 + (y - 3.5) ** 2;
        cube[k * W * H + i] = Math.exp(-r2 / 6) * Math.exp(-0.5 * ((velocity(k) - v0) / 1.5) ** 2);
      }
      const file = join(dir, name);
      const spectral: Record<string, string | number> = axis === 'VRAD'
        ? { CTYPE3: 'VRAD', CUNIT3: 'm/s', CRPIX3: 1, CRVAL3: vStart * 1000, CDELT3: 1000 }
        : { CTYPE3: 'FREQ', CUNIT3: 'Hz', CRPIX3: 1, CRVAL3: rest * (1 - (vStart + N - 1) / c), CDELT3: (rest * 1) / c, RESTFRQ: rest };
      writeImageFits(file, cube, [W, H, N], { cards: { CTYPE1: 'RA---SIN', CTYPE2: 'DEC--SIN', ...spectral } });
      return file;
    };
    const o = opts({ size: 8, channels: 6, normalisation: 'minmax' });
    const a = loadSample(make('vrad.fits', 5, -6, 'VRAD'), 0, o);
    const b = loadSample(make('freq.fits', 5, -6, 'FREQ'), 0, o);
    const shifted = loadSample(make('shifted.fits', 40.3, 25, 'VRAD'), 0, o);
    const centre = (s: typeof a) => Array.from({ length: 6 }, (_, k) => s.data[(4 * 8 + 4) * 6 + k]!);
    // Symmetric about the middle two channels, brightest there: the line is centred in the window.
    const ca = centre(a);
    expect(ca[2]).toBeCloseTo(ca[3]!, 2);
    expect(ca[0]).toBeCloseTo(ca[5]!, 2);
    expect(ca[2]).toBeGreaterThan(ca[0]! + 0.3);
    for (let k = 0; k < 6; k++) {
      expect(centre(b)[k]).toBeCloseTo(ca[k]!, 2);
      // The shifted line sits 0.3 plane off the plane grid, and a line of 1.5 planes is sampled
      // differently there: the same window, values within 0.08 of the peak.
      expect(Math.abs(centre(shifted)[k]! - ca[k]!)).toBeLessThan(0.08);
    }
    // 'bin' would put the line in different channels for the shifted cube.
    const binned = (f: string) => centre(loadSample(join(dir, f), 0, { ...o, cube: 'bin' }));
    expect(binned('shifted.fits').indexOf(Math.max(...binned('shifted.fits')))).not.toBe(binned('vrad.fits').indexOf(Math.max(...binned('vrad.fits'))));
  });

  it('polar coordinates: an inclined ring, deprojected, is one bright row at its radius, whatever its orientation', () => {
    const S = 48, half = (S - 1) / 2;
    // A ring of radius 12 seen at cos i = 0.5, major axis at 30 degrees, brighter on one side.
    const ring = (pa: number) => {
      const a = new Float32Array(S * S), c = Math.cos(pa), sn = Math.sin(pa);
      for (let y = 0; y < S; y++) for (let x = 0; x < S; x++) {
        const dx = x - half, dy = y - half, u = dx * c + dy * sn, w = (-dx * sn + dy * c) / 0.5;
        a[y * S + x] = Math.exp(-0.5 * ((Math.hypot(u, w) - 12) / 1.5) ** 2) * (1 + 0.3 * Math.cos(Math.atan2(w, u)));
      }
      return a;
    };
    const polar = (img: Float32Array) => preprocess(img, [S, S], opts({ size: S, normalisation: 'minmax', coordinates: 'polar' }));
    const s = polar(ring(Math.PI / 6));
    // Row i samples radius (i + 0.5) / S * S / 2 along the major axis: radius 12 is row 23.5, in every column.
    for (const col of [0, 6, 12, 18, 24, 30, 36, 42]) {
      const column = Array.from({ length: S }, (_, row) => s.data[row * S + col]!);
      expect(Math.abs(column.indexOf(Math.max(...column)) - 23.5), `column ${col}`).toBeLessThanOrEqual(1.5);
    }
    // Turned by 90 degrees: the same polar image, azimuth counted from the major axis (which has two ends).
    const t = polar(ring(Math.PI / 6 + Math.PI / 2));
    const diff = (shift: number) => {
      let d = 0;
      for (let row = 16; row < 32; row++) for (let c = 0; c < S; c++) d = Math.max(d, Math.abs(t.data[row * S + ((c + shift) % S)]! - s.data[row * S + c]!));
      return d;
    };
    expect(Math.min(diff(0), diff(S / 2))).toBeLessThan(0.08);
    expect(orientationOf(preprocess(ring(Math.PI / 6), [S, S], opts({ size: S, normalisation: 'minmax' }))).axisRatio).toBeCloseTo(0.5, 1);
  });

  it('reduces a cube to moment maps: moment 1 follows the velocity gradient', () => {
    const W = 16, H = 16, N = 21, rng = new Rng(5);
    const cube = new Float32Array(W * H * N);
    for (let k = 0; k < N; k++) for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
      const centre = 3 + (14 * x) / (W - 1); // line centre channel moves from 3 to 17 across x
      cube[(k * H + y) * W + x] = (y > 4 && y < 11 ? 10 * Math.exp(-0.5 * ((k - centre) / 1.5) ** 2) : 0) + 0.1 * rng.normal();
    }
    const s = preprocess(cube, [W, H, N], opts({ size: 16, channels: 3, cube: 'moments' }));
    expect(s.channelKind).toBe('moments');
    const m1 = (x: number) => s.data[(8 * 16 + x) * 3 + 1]!;
    expect(m1(1)).toBeLessThan(-0.5);
    expect(m1(14)).toBeGreaterThan(0.5);
    expect(m1(8)).toBeCloseTo(((3 + (14 * 8) / 15) / 20) * 2 - 1, 1);
    const m2 = s.data[(8 * 16 + 8) * 3 + 2]!;
    expect(m2).toBeCloseTo((1.5 / 20) * 2, 1);
    expect(s.data[(1 * 16 + 8) * 3]).toBe(0); // no emission: moment 0 at the bottom of the stretch
    expect(() => preprocess(cube, [W, H, N], opts({ channels: 4, cube: 'moments' }))).toThrow(/at most 3/);
  });

  it('loadSample reads through the FITS layer: BLANK masked, same result as preprocess, CASA axis order', () => {
    const values = new Int16Array(12 * 10).map((_, i) => i % 97);
    values[13] = -32768;
    const file = join(dir, 'blank.fits');
    writeImageFits(file, values, [12, 10], { cards: { BSCALE: 0.5, BZERO: 10, BLANK: -32768 } });
    const s = loadSample(file, 0, opts({ size: 12, normalisation: 'minmax' }));
    const expected = preprocess(HduList.open(file).primaryImage().read(), [12, 10], opts({ size: 12, normalisation: 'minmax' }));
    expect(s.data).toEqual(expected.data);
    expect(s.mask[1 * 12 + 1]).toBe(1);
    expect(s.mask.reduce((a, b) => a + b, 0)).toBe(12 * 10 - 1);

    // [x, y, STOKES=2, FREQ=4]: the frequency axis is the channel axis, Stokes I is read.
    const W = 6, H = 6, cube = new Float32Array(W * H * 2 * 4);
    for (let f = 0; f < 4; f++) for (let st = 0; st < 2; st++) cube.fill(st === 0 ? f : 100, ((f * 2 + st) * H) * W, ((f * 2 + st + 1) * H) * W);
    const casa = join(dir, 'casa.fits');
    writeImageFits(casa, cube, [W, H, 2, 4], { cards: { CTYPE1: 'RA---SIN', CTYPE2: 'DEC--SIN', CTYPE3: 'STOKES', CTYPE4: 'FREQ' } });
    const c = loadSample(casa, 0, opts({ size: 6, channels: 4, normalisation: 'minmax', cube: 'bin' }));
    expect(Array.from(c.data.subarray(0, 4)).map((v) => +v.toFixed(6))).toEqual([0, 1 / 3, 2 / 3, 1].map((v) => +v.toFixed(6)));

    expect(() => loadSample(file, 3, opts())).toThrow(FitsError);
    expect(() => loadSample(file, 3, opts())).toThrow(/blank\.fits.*HDU 3/);
    expect(() => loadSample(join(dir, 'missing.fits'), 0, opts())).toThrow(/missing\.fits/);
  });

  it('a deferred stretch, finished on the unchanged sample, gives the preprocessed sample', () => {
    const image = renderSyntheticItem(3, 2);
    const cube = renderSyntheticItem(3, 4, { channels: 8 });
    const cases: [Float32Array, number[], Partial<PreprocessOptions>][] = [
      [image.data, image.shape, {}], [image.data, image.shape, { normalisation: 'minmax' }],
      [image.data, image.shape, { framing: 'source' }], [image.data, image.shape, { framing: 'source', coordinates: 'polar' }], [cube.data, cube.shape, { channels: 4 }], [cube.data, cube.shape, { channels: 3, cube: 'moments' }],
    ];
    for (const [data, shape, o] of cases) {
      const direct = preprocess(data, shape, opts({ size: 24, ...o }));
      const linear = preprocess(data, shape, opts({ size: 24, ...o, deferStretch: true }));
      expect(linear.pendingStretch).toBeDefined();
      // Linear brightness: nothing clipped, so values above the upper clip percentile exceed 1.
      if (o.normalisation !== 'minmax') expect(Math.max(...linear.data)).toBeGreaterThan(1);
      const finished = finishStretch(linear);
      expect(finished.pendingStretch).toBeUndefined();
      let worst = 0;
      for (let i = 0; i < direct.data.length; i++) worst = Math.max(worst, Math.abs(finished.data[i]! - direct.data[i]!));
      expect(worst).toBeLessThan(1e-4);
    }
  });

  it('skyLevel (merge-based MAD) equals the sigma-clipped median computed by sorting the deviations', () => {
    const pct = (v: Float32Array, p: number) => { const x = (p / 100) * (v.length - 1), lo = Math.floor(x), hi = Math.min(v.length - 1, lo + 1); return v[lo]! + (v[hi]! - v[lo]!) * (x - lo); };
    const below = (v: Float32Array, x: number) => { let n = 0; while (n < v.length && v[n]! < x) n++; return n; };
    const bySorting = (sorted: Float32Array) => {
      let a = 0, b = sorted.length, median = 0;
      for (let iter = 0; iter < 5 && b > a; iter++) {
        const win = sorted.subarray(a, b);
        median = pct(win, 50);
        const sigma = 1.4826 * pct(Float32Array.from(win, (v) => Math.abs(v - median)).sort(), 50);
        if (!(sigma > 0)) break;
        const na = below(sorted, median - 3 * sigma), nb = below(sorted, median + 3 * sigma + Number.EPSILON * Math.abs(median));
        if (na === a && nb === b) break;
        a = na; b = Math.max(nb, na + 1);
      }
      return median;
    };
    const rng = new Rng(9);
    for (let t = 0; t < 400; t++) {
      const n = 1 + rng.int(t < 300 ? 40 : 3000);
      const v = Float32Array.from({ length: n }, (_, i) => (t % 3 === 0 ? Math.round(5 * rng.next()) : rng.next() ** 3 * (i % 7 === 0 ? 100 : 1))).sort();
      expect(skyLevel(v)).toBe(bySorting(v));
    }
  });
});
