import { describe, expect, it } from 'vitest';
import {
  AUGMENTATION_NAMES, AugmentationSpecError, buildAugmentations, DEFAULT_AUGMENTATIONS, flip, rotate, shiftChannels, squeeze,
} from '../../../../src-main/model/data/augmentations/index.ts';
import type { ImageSample } from '../../../../src-main/model/data/sample.ts';
import { preprocess } from '../../../../src-main/model/data/preprocess.ts';
import { finishStretch } from '../../../../src-main/model/data/normalise.ts';
import { DEFAULT_PREPROCESS } from '../../../../src-main/model/data/sample.ts';
import { Rng } from '../../../../src-main/base/random.ts';
import { renderSyntheticItem } from '../../../../src-main/synthetic/index.ts';
import { reframe } from '../../../../src-main/model/data/augmentations/noise-to-snr.ts';

/** A real disk image (an inclined ring), preprocessed, so augmentations see realistic structure. */
function disk(index = 1, size = 48, channels = 1): ImageSample {
  const img = renderSyntheticItem(7, index, { channels: channels > 1 ? 8 : 0 });
  return preprocess(img.data, img.shape, { ...DEFAULT_PREPROCESS, size, channels });
}

/** Every pixel valid, values in [1, 2]: any zero-filled pixel after a transform is detectable. */
function noZeros(size = 32, channels = 1, seed = 1): ImageSample {
  const rng = new Rng(seed);
  return { data: new Float32Array(size * size * channels).map(() => 1 + rng.next()), mask: new Uint8Array(size * size).fill(1), height: size, width: size, channels };
}

const one = (spec: Record<string, unknown> & { name: string }) => buildAugmentations([{ p: 1, ...spec }]);
const sum = (a: ArrayLike<number>) => Array.from(a).reduce((x, y) => x + y, 0);
const roughness = (s: ImageSample) => {
  let g = 0;
  for (let y = 0; y < s.height; y++) for (let x = 1; x < s.width; x++) g += (s.data[y * s.width + x]! - s.data[y * s.width + x - 1]!) ** 2;
  return g / sum(s.data.map((v) => v * v));
};

describe('augmentations', () => {
  it('every augmentation keeps the shape, leaves its input alone, and is deterministic for a seed', () => {
    const cube = disk(2, 32, 4);
    for (const name of AUGMENTATION_NAMES) {
      const aug = one({ name });
      for (const s of [disk(3, 40), cube]) {
        const before = s.data.slice();
        const a = aug.apply(s, new Rng(5)), b = aug.apply(s, new Rng(5));
        expect([a.height, a.width, a.channels], name).toEqual([s.height, s.width, s.channels]);
        expect(a.data.length, name).toBe(s.data.length);
        expect(a.data.every(Number.isFinite), name).toBe(true);
        expect(s.data, name).toEqual(before);
        expect(a.data, name).toEqual(b.data);
        expect(a.mask, name).toEqual(b.mask);
        if (name === 'spectral-shift' && s.channels === 1) continue;
        // A different seed gives a different view (flip has 1/4 chance of no flip; try a few seeds).
        const differs = [6, 7, 8, 9].some((seed) => aug.apply(s, new Rng(seed)).data.some((v, i) => v !== a.data[i]));
        expect(differs, name).toBe(true);
      }
    }
  });

  it('inclination squeezes a round source into an ellipse of axis ratio cos i along the drawn axis, area kept', () => {
    const S = 64;
    const round: ImageSample = { data: new Float32Array(S * S), mask: new Uint8Array(S * S).fill(1), height: S, width: S, channels: 1 };
    for (let y = 0; y < S; y++) for (let x = 0; x < S; x++) round.data[y * S + x] = Math.exp(-((x - 31.5) ** 2 + (y - 31.5) ** 2) / (2 * 6 ** 2));
    const moments = (s: ImageSample) => {
      let w = 0, xx = 0, yy = 0, xy = 0;
      for (let y = 0; y < S; y++) for (let x = 0; x < S; x++) {
        const v = s.data[y * S + x]!; w += v; xx += v * (x - 31.5) ** 2; yy += v * (y - 31.5) ** 2; xy += v * (x - 31.5) * (y - 31.5);
      }
      return { w, xx: xx / w, yy: yy / w, xy: xy / w };
    };
    const flat = moments(squeeze(round, 0.5, 0)); // squeezed along x
    expect(Math.sqrt(flat.xx / flat.yy)).toBeCloseTo(0.5, 1);
    expect(Math.sqrt(flat.xx * flat.yy)).toBeCloseTo(36, 0); // sigma_x sigma_y kept: 6 * 6
    const diagonal = moments(squeeze(round, 0.5, Math.PI / 4));
    expect(diagonal.xx).toBeCloseTo(diagonal.yy, 1);
    expect(diagonal.xy).toBeLessThan(-5); // shorter along x = y, longer along x = -y
    expect(squeeze(round, 1, 0.3).data.every((v, i) => Math.abs(v - round.data[i]!) < 1e-6)).toBe(true);
  });

  it('rotation by any angle leaves no zero-filled corners: every output pixel comes from the data', () => {
    const s = noZeros(32);
    for (const corners of ['crop', 'reflect'] as const) {
      for (const deg of [17, 45, 90, 133, -60]) {
        const r = rotate(s, (deg * Math.PI) / 180, corners);
        expect(r.mask.every((m) => m === 1), `${corners} ${deg}`).toBe(true);
        for (const idx of [0, 31, 32 * 31, 32 * 32 - 1]) {
          expect(r.data[idx], `${corners} ${deg} corner ${idx}`).toBeGreaterThanOrEqual(1);
          expect(r.data[idx], `${corners} ${deg} corner ${idx}`).toBeLessThanOrEqual(2);
        }
      }
    }
    // 90 degrees needs no zoom: an exact quarter turn. Output (u, v) reads input (cx - (v - cy), cy + (u - cx)).
    const q = rotate(s, Math.PI / 2, 'crop');
    for (const [u, v] of [[0, 0], [5, 9], [31, 20]] as const) {
      expect(q.data[v * 32 + u]).toBeCloseTo(s.data[(u) * 32 + (31 - v)]!, 5);
    }
    // The disk's total brightness is kept by a 'reflect' rotation up to interpolation (object well inside the field).
    const d = disk(1, 48);
    expect(sum(rotate(d, 0.7, 'reflect').data) / sum(d.data)).toBeCloseTo(1, 1);
  });

  it('flips mirror the image and two flips restore it', () => {
    const s = disk(4, 24);
    const f = flip(s, true, false);
    expect(f.data[5 * 24 + 2]).toBe(s.data[5 * 24 + 21]);
    expect(flip(flip(s, true, true), true, true).data).toEqual(s.data);
  });

  it('flux scaling is linear and unclipped', () => {
    const s = disk(5, 32);
    const aug = one({ name: 'flux-scale', range: [0.5, 3] });
    const a = aug.apply(s, new Rng(3));
    const factor = sum(a.data) / sum(s.data);
    for (let i = 0; i < s.data.length; i += 37) expect(a.data[i]).toBeCloseTo(s.data[i]! * factor, 5);
    const doubled = { ...s, data: s.data.map((v) => 2 * v) };
    const b = aug.apply(doubled, new Rng(3));
    for (let i = 0; i < s.data.length; i += 37) expect(b.data[i]).toBeCloseTo(2 * a.data[i]!, 5);
    const big = one({ name: 'flux-scale', range: [3, 3] }).apply(s, new Rng(1));
    expect(Math.max(...big.data)).toBeCloseTo(3 * Math.max(...s.data), 4); // not clipped to 1
  });

  it('adds noise at the requested signal-to-noise ratio, only on valid pixels', () => {
    const s = disk(1, 64);
    const peak = Math.max(...s.data);
    for (const snr of [5, 50]) {
      const a = one({ name: 'noise', snr: [snr, snr] }).apply(s, new Rng(snr));
      const diff = Array.from(a.data).map((v, i) => v - s.data[i]!).filter((_, i) => s.mask[i]);
      const sd = Math.sqrt(sum(diff.map((d) => d * d)) / diff.length);
      expect(sd / (peak / snr)).toBeCloseTo(1, 1);
    }
    const masked = { ...s, mask: s.mask.map((m, i) => (i < 64 ? 0 : m)), data: s.data.map((v, i) => (i < 64 ? 0 : v)) };
    const a = one({ name: 'noise', snr: [5, 5] }).apply(masked, new Rng(1));
    expect(a.data.subarray(0, 64).every((v) => v === 0)).toBe(true);
  });

  it('reframe: a view whose faint outskirts sank into the noise is framed tighter, as framing would', () => {
    const S = 48, N = S * S;
    const gauss = (cut: number): ImageSample => {
      const data = new Float32Array(N);
      for (let y = 0; y < S; y++) for (let x = 0; x < S; x++) {
        const r = Math.hypot(x + 0.5 - S / 2, y + 0.5 - S / 2);
        data[y * S + x] = r < cut ? Math.exp(-(r * r) / (2 * 7 * 7)) : 0;
      }
      // a faint sky, 1e-3 rms, so the framing finds a noise level below the source
      const rng = new Rng(4);
      for (let i = 0; i < N; i++) data[i]! += 1e-3 * rng.normal();
      return { data, mask: new Uint8Array(N).fill(1), height: S, width: S, channels: 1 };
    };
    const radius = (s: ImageSample) => {
      let w = 0, r2 = 0;
      for (let y = 0; y < S; y++) for (let x = 0; x < S; x++) {
        const v = Math.max(0, s.data[y * S + x]!);
        w += v; r2 += v * ((x + 0.5 - S / 2) ** 2 + (y + 0.5 - S / 2) ** 2);
      }
      return Math.sqrt(r2 / w);
    };
    const clean = gauss(99), shallow = gauss(9);
    expect(reframe(clean, clean).data).toEqual(clean.data);
    const framed = reframe(clean, shallow);
    // the window shrank, so the source fills more of the view: its rms radius grows
    expect(radius(framed) / radius(shallow)).toBeGreaterThan(1.1);
    expect(radius(framed) / radius(shallow)).toBeLessThan(1.8);
    // as an option of the noise augmentation: off by default (runs made before keep their views)
    const s = disk(1, 48);
    const plain = one({ name: 'noise', snr: [6, 6] }).apply(s, new Rng(9));
    const again = one({ name: 'noise', snr: [6, 6], reframe: false }).apply(s, new Rng(9));
    expect(again.data).toEqual(plain.data);
    const refr = one({ name: 'noise', snr: [6, 6], reframe: true }).apply(s, new Rng(9));
    expect(refr.data).not.toEqual(plain.data);
  });

  it('a training view is stretched after its augmentations: a flux scale cancels, added noise does not', () => {
    const img = renderSyntheticItem(7, 2);
    const linear = preprocess(img.data, img.shape, { ...DEFAULT_PREPROCESS, size: 32, deferStretch: true });
    const plain = finishStretch(linear);
    const scaled = finishStretch(one({ name: 'flux-scale', range: [4, 4] }).apply(linear, new Rng(1)));
    let worst = 0;
    for (let i = 0; i < plain.data.length; i++) worst = Math.max(worst, Math.abs(scaled.data[i]! - plain.data[i]!));
    expect(worst).toBeLessThan(1e-5);
    // Noise at SNR 10 on the linear flux comes out of the asinh stretch amplified in the faint sky,
    // as in a real shallow observation: far above 1/10 of the peak.
    const noisy = finishStretch(one({ name: 'noise', snr: [10, 10], correlation: [0, 0] }).apply(linear, new Rng(2)));
    const sky = Array.from(noisy.data).filter((_, i) => plain.data[i]! < 0.05 && plain.mask[i]);
    expect(Math.sqrt(sky.reduce((a, v) => a + v * v, 0) / sky.length)).toBeGreaterThan(0.2);
  });

  it('correlates the added noise on the requested scale and keeps its rms', () => {
    const s = { ...noZeros(64), data: new Float32Array(64 * 64).fill(1) };
    const neighbourCorrelation = (fwhm: number) => {
      const a = one({ name: 'noise', snr: [10, 10], correlation: [fwhm, fwhm] }).apply(s, new Rng(5));
      const n = Array.from(a.data, (v) => v - 1);
      const rms = Math.sqrt(sum(n.map((d) => d * d)) / n.length);
      let c = 0;
      for (let y = 0; y < 64; y++) for (let x = 0; x < 63; x++) c += n[y * 64 + x]! * n[y * 64 + x + 1]!;
      return { rms, r: c / (64 * 63) / rms ** 2 };
    };
    const white = neighbourCorrelation(0), coloured = neighbourCorrelation(3);
    expect(Math.abs(white.r)).toBeLessThan(0.1);
    // White noise smoothed by a Gaussian of FWHM 3 px (sigma 1.27) correlates neighbours by exp(-1 / (4 sigma^2)) = 0.86.
    expect(coloured.r).toBeGreaterThan(0.8);
    expect(coloured.r).toBeLessThan(0.9);
    for (const { rms } of [white, coloured]) expect(rms / 0.1).toBeCloseTo(1, 1);
  });

  it('beam blur smooths, keeps brightness, and respects the mask', () => {
    const s = disk(1, 48);
    const a = one({ name: 'beam-blur', fwhm: [4, 4], axisRatio: [1, 1] }).apply(s, new Rng(2));
    expect(roughness(a)).toBeLessThan(0.7 * roughness(s));
    expect(sum(a.data) / sum(s.data)).toBeCloseTo(1, 1);
    const holed = { ...s, mask: s.mask.map((m, i) => (i % 48 < 8 ? 0 : m)), data: s.data.map((v, i) => (i % 48 < 8 ? 0 : v)) };
    const b = one({ name: 'beam-blur', fwhm: [4, 4], axisRatio: [1, 1] }).apply(holed, new Rng(2));
    expect(b.mask).toEqual(holed.mask);
    for (let y = 0; y < 48; y++) expect(b.data[y * 48 + 3]).toBe(0);
  });

  it('resized crops zoom into a sub-field; a full-size crop is the identity', () => {
    const s = disk(2, 32);
    const id = one({ name: 'resized-crop', scale: [1, 1], ratio: [1, 1] }).apply(s, new Rng(1));
    for (let i = 0; i < s.data.length; i++) expect(id.data[i]).toBeCloseTo(s.data[i]!, 5);
    const z = one({ name: 'resized-crop', scale: [0.25, 0.25], ratio: [1, 1] }).apply(noZeros(32), new Rng(1));
    expect(z.mask.every((m) => m === 1)).toBe(true);
    expect(Math.min(...z.data)).toBeGreaterThanOrEqual(1);
    // Area 4: a field twice as wide; the data fills a 16 x 16 block, the rest is masked sky.
    const out = one({ name: 'resized-crop', scale: [4, 4], ratio: [1, 1] }).apply(noZeros(32), new Rng(1));
    const valid = out.mask.reduce((a, b) => a + b, 0);
    expect(valid).toBeGreaterThanOrEqual(15 * 15);
    expect(valid).toBeLessThanOrEqual(17 * 17);
    out.data.forEach((v, i) => expect(out.mask[i] ? v >= 1 : v === 0).toBe(true));
  });

  it('shifts move the image without zero-filled edges', () => {
    const s = noZeros(32);
    const a = one({ name: 'shift', maxFraction: 0.2 }).apply(s, new Rng(4));
    expect(a.mask.every((m) => m === 1)).toBe(true);
    expect(Math.min(...a.data)).toBeGreaterThanOrEqual(1);
    const none = one({ name: 'shift', maxFraction: 0 }).apply(s, new Rng(4));
    for (let i = 0; i < s.data.length; i++) expect(none.data[i]).toBeCloseTo(s.data[i]!, 5);
  });

  it('spectral shifts interpolate between neighbouring channels and leave moment maps alone', () => {
    const C = 5, s: ImageSample = { data: new Float32Array(4 * C), mask: new Uint8Array(4).fill(1), height: 2, width: 2, channels: C, channelKind: 'spectral' };
    for (let i = 0; i < 4; i++) for (let c = 0; c < C; c++) s.data[i * C + c] = c;
    expect(Array.from(shiftChannels(s, 0.5).data.subarray(0, C))).toEqual([0, 0.5, 1.5, 2.5, 3.5]);
    expect(Array.from(shiftChannels(s, -1).data.subarray(0, C))).toEqual([1, 2, 3, 4, 4]);
    const moments = { ...s, channelKind: 'moments' as const };
    expect(one({ name: 'spectral-shift', maxChannels: 2 }).apply(moments, new Rng(1)).data).toEqual(moments.data);
  });

  it('dropping one augmentation leaves the random draws of the others unchanged (clean ablations)', () => {
    const s = disk(3, 32);
    const withScale = buildAugmentations([{ name: 'rotation' }, { name: 'flux-scale', range: [1, 1] }, { name: 'noise', snr: [20, 20] }]);
    const without = buildAugmentations([{ name: 'rotation' }, { name: 'noise', snr: [20, 20] }]);
    expect(withScale.apply(s, new Rng(9)).data).toEqual(without.apply(s, new Rng(9)).data);
  });

  it('builds the defaults and rejects unknown names and parameters, naming them', () => {
    expect(buildAugmentations(DEFAULT_AUGMENTATIONS).steps.map((a) => a.name)).toEqual(DEFAULT_AUGMENTATIONS.map((a) => a.name));
    const bad = () => buildAugmentations([{ name: 'rotation', degree: 3 }, { name: 'colour-jitter' }, { name: 'noise', snr: [100, 10] }, { name: 'flip', p: 2 }]);
    expect(bad).toThrow(AugmentationSpecError);
    expect(bad).toThrow(/augmentations\[0\]: unknown key 'degree' \(rotation takes p, degrees, corners\)/);
    expect(bad).toThrow(/colour-jitter/);
    expect(bad).toThrow(/augmentations\[2\]\.snr: noise:/);
    expect(bad).toThrow(/augmentations\[3\]\.p: flip:/);
  });
});
