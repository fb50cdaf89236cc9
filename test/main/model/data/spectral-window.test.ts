// Where the 'spectrum' window sits on a cube's line, from the field's summed spectrum.
import { describe, expect, it } from 'vitest';
import { spectralWindow } from '../../../../src-main/model/data/spectral-window.ts';
import { Rng } from '../../../../src-main/base/random.ts';

const gauss = (v: number, mu: number, s: number) => Math.exp(-0.5 * ((v - mu) / s) ** 2);
/** Channel c's mean velocity under the window's weights. */
const channelVelocity = (w: Float64Array, v: number[]) => w.reduce((a, x, k) => a + x * v[k]!, 0);

describe('spectralWindow', () => {
  it('a line that fills the band (a tight cut-out) gets the whole line, not its peak channels only', () => {
    // 12 planes of 1 km/s over a line of sigma 2 km/s at 0.3 km/s: the band edges are the wings at ~8 %.
    const v = Array.from({ length: 12 }, (_, k) => k - 5.5);
    const w = spectralWindow(v, v.map((x) => 1 + 10 * gauss(x, 0.3, 2)), 8);
    expect(w.centre).toBeCloseTo(0.3, 0);
    // A median baseline sat inside the line: no channel stood 3 MADs above it, so the window shrank to 1.5 planes.
    expect(w.halfSpan).toBeGreaterThan(4);
    const edges = [channelVelocity(w.weights[0]!, v), channelVelocity(w.weights[7]!, v)];
    expect(edges[0]).toBeLessThan(-3);
    expect(edges[1]).toBeGreaterThan(3);
  });

  it('keeps a blue-skewed double peak whole: both peaks and the dip between them fall in the window', () => {
    // Infall: emission of sigma 1.5 km/s, self-absorbed on the red side.
    const v = Array.from({ length: 20 }, (_, k) => (k - 9.5) * 0.6);
    const line = v.map((x) => 10 * gauss(x, 0, 1.5) * Math.exp(-3 * gauss(x, 0.5, 0.7)));
    const w = spectralWindow(v, line, 8);
    const channels = w.weights.map((c) => c.reduce((a, x, k) => a + x * line[k]!, 0));
    const peaks = channels.map((x, c) => (c > 0 && c < 7 && x > channels[c - 1]! && x > channels[c + 1]! ? c : -1)).filter((c) => c >= 0);
    expect(peaks.length).toBe(2);
    const [blue, red] = peaks.map((c) => channels[c]!);
    expect(blue).toBeGreaterThan(red!);
    expect(Math.min(...channels.slice(peaks[0]!, peaks[1]! + 1))).toBeLessThan(0.8 * red!);
  });

  it('with line-free channels and noise, spans the line to about a tenth of its peak, not the band', () => {
    const rng = new Rng(4);
    const v = Array.from({ length: 64 }, (_, k) => k - 31.5);
    const w = spectralWindow(v, v.map((x) => 2 + 20 * gauss(x, 6, 2) + 0.3 * rng.normal()), 8);
    expect(w.centre).toBeCloseTo(6, 0);
    // 10 % of the peak lies 2.15 sigma out; the half-span is 1.25 times that, plus half a plane.
    expect(w.halfSpan).toBeGreaterThan(4.5);
    expect(w.halfSpan).toBeLessThan(8);
  });
});
