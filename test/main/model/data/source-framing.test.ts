import { describe, expect, it } from 'vitest';
import { preprocess } from '../../../../src-main/model/data/preprocess.ts';
import { DEFAULT_PREPROCESS, type ImageSample } from '../../../../src-main/model/data/sample.ts';
import { FRAME_RADII, findSourceWindow, sampleWindow } from '../../../../src-main/model/data/source-framing.ts';
import { Rng } from '../../../../src-main/base/random.ts';
import { renderObject, sampleObject, sampleObservation, withFieldOfView, withPixelScale } from '../../../../src-main/synthetic/index.ts';

const S = 32;
const framed = (data: Float32Array, shape: number[], framing: 'source' | 'field' = 'source') =>
  preprocess(data, shape, { ...DEFAULT_PREPROCESS, size: S, framing });

/** Pearson correlation of two samples over the pixels valid in both. */
function correlation(a: ImageSample, b: ImageSample): number {
  const x: number[] = [], y: number[] = [];
  for (let i = 0; i < a.mask.length; i++) if (a.mask[i] && b.mask[i]) { x.push(a.data[i]!); y.push(b.data[i]!); }
  const mx = x.reduce((s, v) => s + v, 0) / x.length, my = y.reduce((s, v) => s + v, 0) / y.length;
  let sxy = 0, sxx = 0, syy = 0;
  for (let i = 0; i < x.length; i++) { sxy += (x[i]! - mx) * (y[i]! - my); sxx += (x[i]! - mx) ** 2; syy += (y[i]! - my) ** 2; }
  return sxy / Math.sqrt(sxx * syy);
}

/** Gaussian blob of sigma s at (cx, cy) on a w x h field, plus white noise of rms `noise`. */
function blob(w: number, h: number, cx: number, cy: number, s: number, noise: number, seed = 1): Float32Array {
  const rng = new Rng(seed), out = new Float32Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) out[y * w + x] = Math.exp(-((x + 0.5 - cx) ** 2 + (y + 0.5 - cy) ** 2) / (2 * s * s)) + noise * rng.normal();
  return out;
}

describe('source framing', () => {
  it('frames the same object alike whatever the field of view and pixel scale; whole-field framing does not', () => {
    const rng = new Rng(11);
    let framedWorst = 1, fieldBest = -1;
    for (const cls of ['ring', 'spiral', 'multi-ring'] as const) {
      const o = sampleObject(rng, cls);
      const base = { ...sampleObservation(rng, o), snr: 200, offsetEast: 0, offsetNorth: 0 };
      const ref = renderObject(o, base);
      const wider = renderObject(o, { ...withFieldOfView(base, 1.6), noiseSeed: base.noiseSeed });
      const coarser = renderObject(o, { ...withPixelScale(base, 1.5), noiseSeed: base.noiseSeed });
      for (const other of [wider, coarser]) {
        framedWorst = Math.min(framedWorst, correlation(framed(ref.data, ref.shape), framed(other.data, other.shape)));
      }
      fieldBest = Math.max(fieldBest, correlation(framed(ref.data, ref.shape, 'field'), framed(wider.data, wider.shape, 'field')));
    }
    expect(framedWorst).toBeGreaterThan(0.85);
    expect(fieldBest).toBeLessThan(framedWorst);
  });

  it('centres an off-centre source and sizes the window on its flux', () => {
    const field = { x0: 0, y0: 0, width: 128, height: 128 };
    const win = findSourceWindow(blob(128, 128, 40, 90, 4, 0.01), new Uint8Array(128 * 128).fill(1), 128, field)!;
    expect(win.cx).toBeCloseTo(40, 0);
    expect(win.cy).toBeCloseTo(90, 0);
    // 90 % of a 2-D Gaussian's flux lies within 2.146 sigma; the window's half-width is FRAME_RADII times that.
    expect(win.half / (FRAME_RADII * 2.146 * 4)).toBeCloseTo(1, 1);
    const s = framed(blob(128, 128, 40, 90, 4, 0.01), [128, 128]);
    let peak = 0;
    for (let i = 1; i < s.data.length; i++) if (s.data[i]! > s.data[peak]!) peak = i;
    expect(Math.abs((peak % S) - S / 2)).toBeLessThanOrEqual(1);
    expect(Math.abs(Math.floor(peak / S) - S / 2)).toBeLessThanOrEqual(1);
  });

  it('keeps the whole field for pure noise and for emission that fills the field', () => {
    const field = { x0: 0, y0: 0, width: 64, height: 64 };
    const all = new Uint8Array(64 * 64).fill(1);
    const rng = new Rng(3);
    expect(findSourceWindow(Float32Array.from({ length: 64 * 64 }, () => rng.normal()), all, 64, field)).toBeUndefined();
    expect(findSourceWindow(blob(64, 64, 32, 32, 30, 0.01), all, 64, field)).toBeUndefined();
    const extended = blob(48, 40, 24, 20, 25, 0.01);
    const a = framed(extended, [48, 40]), b = framed(extended, [48, 40], 'field');
    // The same field, padding included (the padding's edge may fall one row apart after the resampling).
    const differ = a.mask.reduce((n, m, i) => n + (m !== b.mask[i] ? 1 : 0), 0);
    expect(differ).toBeLessThanOrEqual(2 * S);
    expect(a.mask.reduce((n, m) => n + m, 0)).toBeLessThan(S * S - 3 * S); // padded: not the whole grid
    expect(correlation(a, b)).toBeGreaterThan(0.99); // resampled through the finer grid
  });

  it('frames a cube on its summed channels and keeps its channels', () => {
    const w = 96, planes = 6, data = new Float32Array(w * w * planes);
    for (let k = 0; k < planes; k++) data.set(blob(w, w, 30 + 6 * k, 60, 4, 0.01, k + 1), k * w * w);
    const s = preprocess(data, [w, w, planes], { ...DEFAULT_PREPROCESS, size: S, channels: 3, framing: 'source' });
    expect(s.channels).toBe(3);
    // The emission moves across the channels; the frame is centred on their sum, so channel 0 peaks left of centre and channel 2 right.
    const peakX = (c: number) => { let best = 0; for (let i = 0; i < S * S; i++) if (s.data[i * 3 + c]! > s.data[best * 3 + c]!) best = i; return best % S; };
    expect(peakX(0)).toBeLessThan(S / 2 - 2);
    expect(peakX(2)).toBeGreaterThan(S / 2 + 1);
  });

  it('finds a working sample\'s window on the plane framing uses: summed channels, or moment 0 alone', () => {
    const N = S * S, rng = new Rng(3);
    // channel 0: a compact source at the centre; channel 1: bright everywhere off-centre
    const data = new Float32Array(N * 2);
    for (let y = 0; y < S; y++) for (let x = 0; x < S; x++) {
      const r = Math.hypot(x + 0.5 - S / 2, y + 0.5 - S / 2), i = y * S + x;
      data[2 * i] = Math.exp(-(r * r) / 8) + 1e-3 * rng.normal();
      data[2 * i + 1] = (r > 6 && x < S / 2 ? 1 : 0) + 1e-3 * rng.normal();
    }
    const s: ImageSample = { data, mask: new Uint8Array(N).fill(1), width: S, height: S, channels: 2 };
    const moments = sampleWindow({ ...s, channelKind: 'moments' })!;
    expect(moments.half).toBeLessThan(S / 4);
    expect(Math.hypot(moments.cx - S / 2, moments.cy - S / 2)).toBeLessThan(0.5);
    // summed, the off-centre channel pulls the window left
    const summed = sampleWindow({ ...s, channelKind: 'spectral' });
    expect(summed === undefined || summed.cx < S / 2 - 2).toBe(true);
  });
});
