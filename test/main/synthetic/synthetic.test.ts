import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HduList } from '../../../src-main/fits/index.ts';
import { Rng } from '../../../src-main/base/random.ts';
import {
  beamAreaPixels, convolveBeam, convolveBeamChannels, DISK_CLASSES, renderObject, renderSyntheticItem, sampleObject, sampleObservation,
  syntheticItem, withBeam, withFieldOfView, withSnr, writeSyntheticDataset,
} from '../../../src-main/synthetic/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'synthetic-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const rms = (a: Float32Array, b: Float32Array): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i]! - b[i]!) ** 2;
  return Math.sqrt(s / a.length);
};

describe('synthetic disks', () => {
  it('item i is a pure function of (seed, i) and classes cycle', () => {
    const a = renderSyntheticItem(5, 3), b = renderSyntheticItem(5, 3), c = renderSyntheticItem(6, 3);
    expect(a.data).toEqual(b.data);
    expect(rms(a.data.subarray(0, 100), c.data.subarray(0, 100))).toBeGreaterThan(0);
    expect([0, 1, 2, 3, 4, 5, 6].map((i) => syntheticItem(1, i).object.className)).toEqual([...DISK_CLASSES, DISK_CLASSES[0]]);
    expect(() => syntheticItem(1, 0, { classes: ['ring', 'donut' as never] })).toThrow(/donut/);
  });

  it('conserves flux through the beam: sum(Jy/beam) / beam area = total flux', () => {
    const rng = new Rng(11);
    for (const cls of DISK_CLASSES) {
      const object = sampleObject(rng, cls);
      // Wide field so nothing falls outside; no noise.
      const obs = withSnr(withFieldOfView(sampleObservation(rng, object, { sizeRange: [32, 1024] }), 1.6), Infinity);
      const img = renderObject(object, obs);
      let sum = 0;
      for (const v of img.data) sum += v;
      const beam = { bmaj: obs.beamMajor / obs.pixelScale, bmin: obs.beamMinor / obs.pixelScale, bpa: 0 };
      expect(sum / beamAreaPixels(beam) / object.flux, cls).toBeCloseTo(1, 1);
      expect(img.noiseRms).toBe(0);
    }
  });

  it('adds beam-correlated noise at the requested peak signal-to-noise ratio', () => {
    const { object, observation } = syntheticItem(2, 1);
    const clean = renderObject(object, withSnr(observation, Infinity));
    const noisy = renderObject(object, withSnr(observation, 20));
    let peak = 0;
    for (const v of clean.data) peak = Math.max(peak, v);
    expect(rms(noisy.data, clean.data) / (peak / 20)).toBeCloseTo(1, 1);
    // Correlated on the beam scale: neighbouring noise pixels are alike.
    const W = noisy.shape[0]!;
    let same = 0, total = 0;
    for (let i = 0; i < noisy.data.length - 1; i++) {
      const n0 = noisy.data[i]! - clean.data[i]!, n1 = noisy.data[i + 1]! - clean.data[i + 1]!;
      if ((i + 1) % W === 0) continue;
      same += n0 * n1; total += n0 * n0;
    }
    expect(same / total).toBeGreaterThan(0.5);
  });

  it('convolves with an elliptical beam whose major axis follows BPA (east of north, east = -x)', () => {
    const n = 41, plane = new Float32Array(n * n);
    plane[20 * n + 20] = 1;
    const out = convolveBeam(plane, n, n, { bmaj: 8, bmin: 4, bpa: 90 }); // BPA 90: major axis east-west, i.e. along x
    let sxx = 0, syy = 0, sum = 0;
    for (let y = 0; y < n; y++) for (let x = 0; x < n; x++) {
      const v = out[y * n + x]!;
      sum += v; sxx += v * (x - 20) ** 2; syy += v * (y - 20) ** 2;
    }
    expect(sum).toBeCloseTo(1, 4);
    const fwhm = (s2: number) => Math.sqrt(s2 / sum) * 2 * Math.sqrt(2 * Math.log(2));
    expect(fwhm(sxx)).toBeCloseTo(8, 0);
    expect(fwhm(syy)).toBeCloseTo(4, 0);
  });

  it('convolves interleaved channels as each plane on its own, masked pixels 0', () => {
    const W = 24, H = 20, C = 3, rng = new Rng(4);
    const data = Float32Array.from({ length: W * H * C }, () => rng.next());
    const mask = Uint8Array.from({ length: W * H }, (_, i) => (i % W < 5 ? 0 : 1));
    const beam = { bmaj: 5, bmin: 3, bpa: 30 };
    const out = convolveBeamChannels(data, W, H, C, beam, mask);
    for (let c = 0; c < C; c++) {
      const plane = Float32Array.from({ length: W * H }, (_, i) => data[i * C + c]!);
      const ref = convolveBeam(plane, W, H, beam, mask);
      expect(Float32Array.from({ length: W * H }, (_, i) => out[i * C + c]!), `channel ${c}`).toEqual(ref);
    }
    expect(out[3 * C + 1]).toBe(0);
    expect(out[10 * C + 1]).not.toBe(data[10 * C + 1]);
  });

  it('renders the same object larger in a smaller field and blurrier with a bigger beam', () => {
    const { object, observation } = syntheticItem(3, 1); // a ring
    const base = renderObject(object, withSnr(observation, Infinity));
    const wide = renderObject(object, withSnr(withFieldOfView(observation, 1.5), Infinity));
    expect(wide.shape[0]).toBe(Math.round(observation.width * 1.5));
    // Same pixel scale and centre: the central pixels agree.
    const W = base.shape[0]!, H = base.shape[1]!, W2 = wide.shape[0]!, H2 = wide.shape[1]!;
    const cb = base.data[Math.floor(H / 2) * W + Math.floor(W / 2)]!;
    const cw = wide.data[Math.floor(H2 / 2) * W2 + Math.floor(W2 / 2)]!;
    expect(Math.abs(cw - cb)).toBeLessThan(0.2 * Math.max(Math.abs(cb), 1e-6) + 1e-6);
    const blurred = renderObject(object, withSnr(withBeam(observation, 2), Infinity));
    // A bigger beam leaves less power at small scales: relative pixel-to-pixel differences shrink.
    const roughness = (d: Float32Array) => {
      let g = 0, p = 0;
      for (let i = 1; i < d.length; i++) { g += (d[i]! - d[i - 1]!) ** 2; p += d[i]! ** 2; }
      return g / p;
    };
    expect(roughness(blurred.data)).toBeLessThan(0.75 * roughness(base.data));
  });

  it('cubes show a rotating disk: the two sides of the major axis move in opposite directions', () => {
    const rng = new Rng(4);
    const object = { ...sampleObject(rng, 'smooth'), inclination: 50, positionAngle: 0 }; // major axis north-south
    const obs = { ...sampleObservation(rng, object, { channels: 15 }), offsetEast: 0, offsetNorth: 0, snr: Infinity };
    const cube = renderObject(object, obs);
    const [W, H, C] = cube.shape as [number, number, number];
    expect(cube.cards.CTYPE3).toBe('FREQ');
    const centroid = (yLo: number, yHi: number) => {
      let s = 0, sv = 0;
      for (let k = 0; k < C; k++) for (let y = yLo; y < yHi; y++) for (let x = 0; x < W; x++) {
        const v = Math.max(0, cube.data[(k * H + y) * W + x]!);
        s += v; sv += v * (k - (C - 1) / 2);
      }
      return sv / s;
    };
    const north = centroid(Math.ceil(H / 2) + 2, H), south = centroid(0, Math.floor(H / 2) - 2);
    expect(Math.sign(north)).toBe(-Math.sign(south));
    expect(Math.abs(north)).toBeGreaterThan(1);
  });

  it('writes a labelled dataset in every format, readable by the FITS layer with the same values', () => {
    const out = join(dir, 'set');
    const { items, labels } = writeSyntheticDataset(out, { n: 6, seed: 9, formats: ['float32', 'int16-bscale', '4d-alma', 'gz'] });
    const rows = readFileSync(labels, 'utf8').trim().split('\n');
    expect(rows).toHaveLength(7);
    expect(rows[1]!.split(',').slice(0, 5)).toEqual(['0-smooth.fits', '0', 'smooth', '0', 'float32']);
    const shapes = items.map((it) => HduList.open(join(out, it.file)).primaryImage().shape.length);
    expect(shapes).toEqual([2, 2, 4, 2, 2, 2]);
    expect(items[3]!.file).toMatch(/\.fits\.gz$/);
    for (const it of items) {
      const img = HduList.open(join(out, it.file)).primaryImage();
      const expected = renderSyntheticItem(9, items.indexOf(it)).data;
      const got = img.readPlane(0);
      let peak = 0;
      for (const v of expected) peak = Math.max(peak, Math.abs(v));
      // float formats exact; 16-bit within half a quantisation step of the full range.
      const tolerance = it.format === 'int16-bscale' ? peak / 30000 : 0;
      expect(rms(got, expected), it.file).toBeLessThanOrEqual(tolerance);
      expect(img.header.get('BUNIT')).toBe('Jy/beam');
      expect(Number(img.header.get('BMAJ'))).toBeGreaterThan(0);
    }
    expect(() => writeSyntheticDataset(out, { n: 1, seed: 1, formats: ['png' as never] })).toThrow(/png/);
  });

  it('writes spectral cubes as [x, y, chan] or ALMA [x, y, chan, 1]', () => {
    const { items } = writeSyntheticDataset(join(dir, 'cubes'), { n: 2, seed: 1, cubes: 8, formats: ['float32', '4d-alma'] });
    expect(HduList.open(join(dir, 'cubes', items[0]!.file)).primaryImage().shape.slice(2)).toEqual([8]);
    expect(HduList.open(join(dir, 'cubes', items[1]!.file)).primaryImage().shape.slice(2)).toEqual([8, 1]);
  });
});
