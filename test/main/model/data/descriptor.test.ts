// The hand-made descriptor: radial structure counts rings wherever they sit; the spectral blocks see
// a velocity gradient and a line's shape, not its brightness.
import { describe, it, expect } from 'vitest';
import { descriptorBlocks, type DescriptorBlock, radialStructure, spectralProfile, spectralShape, winding, SPECTRAL_BANDS, SPECTRAL_MODES, STRUCTURE_FREQUENCIES, STRUCTURE_PEAKS, WINDING_LAGS } from '../../../../src-main/model/data/descriptor.ts';
import { PROFILE_MODES } from '../../../../src-main/model/data/polar.ts';
import type { ImageSample } from '../../../../src-main/model/data/sample.ts';

const S = 48;
/** A polar image (rows radius, columns azimuth) from a function of (radius row, azimuth column, channel). */
function polarImage(f: (r: number, col: number, c: number) => number, C = 1): ImageSample {
  const data = new Float32Array(S * S * C);
  for (let r = 0; r < S; r++) for (let col = 0; col < S; col++) for (let c = 0; c < C; c++) data[(r * S + col) * C + c] = f(r, col, c);
  return { data, width: S, height: S, channels: C, mask: new Uint8Array(S * S).fill(1) };
}
const gauss = (x: number, mu: number, w: number) => Math.exp(-0.5 * ((x - mu) / w) ** 2);
const peaks = (v: Float32Array) => Array.from(v.subarray(STRUCTURE_FREQUENCIES)).filter((p) => p > 0.3).length;

describe('radial structure', () => {
  it('counts one, two or three rings, and none in a smooth taper', () => {
    expect(peaks(radialStructure(polarImage((r) => gauss(r, 20, 3))))).toBe(1);
    expect(peaks(radialStructure(polarImage((r) => gauss(r, 12, 2.5) + gauss(r, 30, 2.5))))).toBe(2);
    expect(peaks(radialStructure(polarImage((r) => gauss(r, 8, 2) + gauss(r, 22, 2) + gauss(r, 36, 2))))).toBe(3);
    expect(peaks(radialStructure(polarImage((r) => Math.exp(-r / 12))))).toBe(0);
  });

  it('hardly moves when a ring moves outward, unlike the radial profile', () => {
    const a = radialStructure(polarImage((r) => gauss(r, 14, 3)));
    const b = radialStructure(polarImage((r) => gauss(r, 26, 3)));
    const distance = (x: Float32Array, y: Float32Array) => Math.hypot(...x.map((v, i) => v - y[i]!));
    const norm = (x: Float32Array) => Math.hypot(...x);
    expect(distance(a, b) / norm(a)).toBeLessThan(0.25);
  });
});

describe('spectral blocks', () => {
  // 8 channels; a rotating disk is blue (channel 1) on one side and red (channel 6) on the other.
  const rotating = polarImage((r, col, c) => gauss(r, 16, 8) * (c === 1 ? 1 + Math.cos((2 * Math.PI * col) / S) : c === 6 ? 1 - Math.cos((2 * Math.PI * col) / S) : 0.1), 8);
  const still = polarImage((r, _col, c) => gauss(r, 16, 8) * (c === 1 || c === 6 ? 1 : 0.1), 8);

  it('see the velocity gradient as an m = 1 mode in the line wings', () => {
    const m1 = (v: Float32Array, band: number, c: number) => v[(band * 8 + c) * 3 + 1]!;
    const a = spectralProfile(rotating), b = spectralProfile(still);
    expect(m1(a, 1, 1)).toBeGreaterThan(0.2);
    expect(m1(b, 1, 1)).toBeLessThan(1e-6);
    expect(m1(a, 1, 3)).toBeLessThan(1e-6); // no gradient in a channel lit alike all round
  });

  it("shape is the line's profile per band whatever its brightness", () => {
    const faint = polarImage((r, col, c) => 0.01 * still.data[(r * S + col) * 8 + c]!, 8);
    const a = spectralShape(still), b = spectralShape(faint);
    for (let i = 0; i < a.length; i++) expect(b[i]).toBeCloseTo(a[i]!, 5);
    for (let band = 0; band < SPECTRAL_BANDS; band++) expect(a.subarray(band * 8, band * 8 + 8).reduce((x, y) => x + y, 0)).toBeCloseTo(1, 5);
  });

  it('are what a cube gets, and an image the profile and structure', () => {
    const lengths = (blocks: DescriptorBlock[]) => blocks.map((b) => b.values.length);
    expect(lengths(descriptorBlocks(rotating, 'morphology', true))).toEqual([SPECTRAL_BANDS * 8 * (1 + SPECTRAL_MODES), SPECTRAL_BANDS * 8]);
    expect(lengths(descriptorBlocks(rotating, 'morphology', true, 1))).toEqual([SPECTRAL_BANDS * 8 * (1 + SPECTRAL_MODES), SPECTRAL_BANDS * 8]);
    const image = polarImage((r) => gauss(r, 20, 3));
    expect(lengths(descriptorBlocks(image, 'morphology', true, 1))).toEqual([S * (1 + PROFILE_MODES), STRUCTURE_FREQUENCIES + STRUCTURE_PEAKS]);
    expect(lengths(descriptorBlocks(image, 'morphology', true))).toEqual([S, S * PROFILE_MODES, STRUCTURE_FREQUENCIES, STRUCTURE_PEAKS + 1, 2 * WINDING_LAGS.length]);
    expect(lengths(descriptorBlocks(image, 'radial', true))).toEqual([S * (1 + PROFILE_MODES)]);
  });
});

describe('version 2 image blocks', () => {
  it('count the rings above the prominence threshold', () => {
    const count = (img: ImageSample) => descriptorBlocks(img, 'morphology', true)[3]!.values[STRUCTURE_PEAKS];
    expect(count(polarImage((r) => gauss(r, 20, 3)))).toBe(1);
    expect(count(polarImage((r) => gauss(r, 12, 2.5) + gauss(r, 30, 2.5)))).toBe(2);
    expect(count(polarImage((r) => Math.exp(-r / 12)))).toBe(0);
  });

  it('tell spiral arms, which wind, from an elongation, which keeps its angle', () => {
    const disk = (r: number) => Math.exp(-r / 16);
    // Two arms whose angle turns by a radian every 8 rows, either handedness, against a bar at one angle.
    const spiral = (sign: number) => polarImage((r, col) => disk(r) * (1 + 0.3 * Math.cos((4 * Math.PI * col) / S - (sign * r) / 8)));
    const elongated = polarImage((r, col) => disk(r) * (1 + 0.3 * Math.cos((4 * Math.PI * col) / S)));
    const [a, b, e] = [winding(spiral(1), 2), winding(spiral(-1), 2), winding(elongated, 2)];
    const lag = Math.round(WINDING_LAGS[0] * S);
    expect(a[0]).toBeCloseTo(Math.sin(lag / 8), 3);
    expect(a[1]).toBeCloseTo(Math.cos(lag / 8), 3);
    for (let i = 0; i < a.length; i++) expect(b[i]).toBeCloseTo(a[i]!, 5);
    expect(e[0]).toBeLessThan(1e-6);
    expect(e[1]).toBeCloseTo(1, 5);
  });

  it('weigh the ring peaks and modes above the structure spectrum', () => {
    const w = descriptorBlocks(polarImage((r) => gauss(r, 20, 3)), 'morphology', true).map((b) => b.weight);
    expect(w[3]).toBeGreaterThan(w[2]!);
    expect(w[1]).toBeGreaterThan(w[0]!);
    expect(descriptorBlocks(polarImage((r) => gauss(r, 20, 3)), 'morphology', true, 1).map((b) => b.weight)).toEqual([1, 1]);
  });
});
